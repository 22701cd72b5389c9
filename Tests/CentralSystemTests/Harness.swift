import EngineSupport
import Logging
import OCPP16
import Testing

@testable import CentralSystem

/// Drives the engine with a fake clock and keeps what it sent, so each test reads as frames in → frames out.
struct Harness {
    var engine: CentralSystemEngine
    var now = Now(uptime: .seconds(1000), wallClock: Timestamp(millisecondsSince1970: 1_767_225_600_000))
    private var buffer: [CentralSystemEngine.Effect] = []

    init(_ settings: CentralSystemSettings = CentralSystemSettings()) {
        engine = CentralSystemEngine(settings: settings, logger: Logger(label: "csms-test") { _ in SwiftLogNoOpLogHandler() })
    }

    @discardableResult
    mutating func handle(_ input: CentralSystemEngine.Input) -> [CentralSystemEngine.Effect] {
        engine.handle(input, at: now, into: &buffer)
        defer { buffer.removeAll(keepingCapacity: true) }
        return buffer
    }

    mutating func connect(_ identity: String, connection: UInt64, version: OCPPVersion = .v16) {
        #expect(handle(.connected(connection: connection, identity: identity, version: version)).isEmpty)
    }

    /// Sends a CALL from the station and returns the one frame the central system answered with.
    mutating func call(_ action: String, _ payload: String, id: String = "m1", on connection: UInt64 = 1,
                       sourceLocation: SourceLocation = #_sourceLocation) -> RPCFrame? {
        let effects = handle(.received(connection: connection, text: #"[2,"\#(id)","\#(action)",\#(payload)]"#))
        #expect(effects.count == 1, "\(effects)", sourceLocation: sourceLocation)
        guard case .send(let to, let text)? = effects.first else { return nil }
        #expect(to == connection, sourceLocation: sourceLocation)
        guard case .frame(let frame) = RPCCodec.decode(text.utf8) else {
            Issue.record("not a frame: \(text)", sourceLocation: sourceLocation)
            return nil
        }
        return frame
    }

    /// The CALLRESULT payload for a CALL, failing the test on anything else.
    mutating func result(_ action: String, _ payload: String, id: String = "m1", on connection: UInt64 = 1,
                         sourceLocation: SourceLocation = #_sourceLocation) -> JSONValue? {
        switch call(action, payload, id: id, on: connection, sourceLocation: sourceLocation) {
        case .callResult(let messageId, let payload)?:
            #expect(messageId == id, sourceLocation: sourceLocation)
            return payload
        case let other:
            Issue.record("expected a CALLRESULT, got \(String(describing: other))", sourceLocation: sourceLocation)
            return nil
        }
    }

    /// The CALLERROR code for a CALL, failing the test on anything else.
    mutating func errorCode(_ action: String, _ payload: String, id: String = "m1", on connection: UInt64 = 1,
                            sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        switch call(action, payload, id: id, on: connection, sourceLocation: sourceLocation) {
        case .callError(let messageId, let code, _, _)?:
            #expect(messageId == id, sourceLocation: sourceLocation)
            return code
        case let other:
            Issue.record("expected a CALLERROR, got \(String(describing: other))", sourceLocation: sourceLocation)
            return nil
        }
    }

    mutating func advance(by duration: Duration) {
        now.uptime += duration
        now.wallClock = Timestamp(millisecondsSince1970: now.wallClock.millisecondsSince1970 + Int64(duration.components.seconds) * 1000)
    }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        if case .object(let fields) = self { fields[key] } else { nil }
    }

    static func parsed(_ text: String) -> JSONValue {
        try! JSONValue.parse(text)
    }
}

/// The CALL frames among effects, as (connection, messageId, action, payload).
func sentCalls(_ effects: [CentralSystemEngine.Effect]) -> [(connection: UInt64, id: String, action: String, payload: JSONValue)] {
    effects.compactMap { effect in
        guard case .send(let connection, let text) = effect,
              case .frame(.call(let id, let action, let payload)) = RPCCodec.decode(text.utf8)
        else { return nil }
        return (connection, id, action, payload)
    }
}

func replies(_ effects: [CentralSystemEngine.Effect]) -> [CallTicket: CallOutcome] {
    var result: [CallTicket: CallOutcome] = [:]
    for case .reply(let ticket, let outcome) in effects { result[ticket] = outcome }
    return result
}
