import EngineSupport
import Logging
import OCPP201
import TestFixtures
import Testing

@testable import Station201

/// A CALL the station sent, as the CSMS sees it.
struct SentCall {
    var messageId: String
    var action: String
    var payload: JSONValue

    subscript(_ field: String) -> JSONValue? {
        guard case .object(let fields) = payload else { return nil }
        return fields[field]
    }
}

/// Drives the 2.0.1 engine with a fake clock and records every effect, so tests read like a conversation
/// between a central system and the station.
struct Harness: FakeClockHarness {
    var engine: StationEngine
    var uptime: Duration = .seconds(100)
    var wallClock: Int64 = 1_800_000_000_000
    var effects: [Effect] = []
    private var nextReply: UInt64 = 0
    private var nextCSMSMessage = 0

    init(
        evses: Int = 2, persisted: PersistedState = PersistedState(), localListCapacity: Int = 1000,
        authorizationCacheCapacity: Int = 1000, overrides: [(key: String, value: String)] = [],
        security: SecurityCredentials = SecurityCredentials(), certificateCapacity: Int = 20,
        maxCertificateChainSize: Int = 10_000
    ) {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        engine = try! StationEngine(
            settings: StationSettings(
                identity: "CS1", evseCount: evses, description: ChargingStation(model: "Model", vendorName: "Vendor"),
                localListCapacity: localListCapacity, authorizationCacheCapacity: authorizationCacheCapacity,
                variableOverrides: overrides, certificateCapacity: certificateCapacity,
                maxCertificateChainSize: maxCertificateChainSize, security: security),
            restoring: persisted,
            now: Now(uptime: .seconds(100), wallClock: Timestamp(millisecondsSince1970: 1_800_000_000_000)),
            messageIdPrefix: "m", transactionIdSeed: 1, logger: logger)
    }

    @discardableResult
    mutating func handle(_ input: Input) -> [Effect] {
        let produced = engine.handle(input, at: now)
        effects += produced
        return produced
    }

    var nextDeadline: Duration? { engine.nextDeadline }

    mutating func tick() {
        handle(.tick)
    }

    // MARK: - The CSMS's side

    /// Link up, BootNotification answered with `status`.
    mutating func boot(_ status: String = "Accepted", interval: Int = 300) {
        handle(.linkUp)
        answerOutstanding(#"{"currentTime":"2027-01-15T08:00:00.000Z","interval":\#(interval),"status":"\#(status)"}"#)
    }

    /// Answers the CALL in flight with a CALLRESULT of `payload`.
    mutating func answerOutstanding(_ payload: String = "{}") {
        guard let call = outstanding else {
            Issue.record("no CALL is waiting for an answer")
            return
        }
        handle(.received(#"[3,"\#(call.messageId)",\#(payload)]"#))
    }

    /// Answers every CALL the station sends with `{}` until it has none left.
    mutating func answerAll() {
        while outstanding != nil { answerOutstanding() }
    }

    /// Sends a CALL from the CSMS; returns its message id.
    @discardableResult
    mutating func call(_ action: String, _ payload: String) -> String {
        nextCSMSMessage += 1
        let id = "csms-\(nextCSMSMessage)"
        handle(.received(#"[2,"\#(id)","\#(action)",\#(payload)]"#))
        return id
    }

    /// The command's result when the station answers it at once.
    mutating func command(_ command: Command) -> CommandResult? {
        let id = start(command)
        return reply(to: id)
    }

    /// Sends a command whose result may come later; `reply(to:)` finds it.
    mutating func start(_ command: Command) -> ReplyID {
        nextReply += 1
        let id = ReplyID(nextReply)
        handle(.command(command, id))
        return id
    }

    func reply(to id: ReplyID) -> CommandResult? {
        for effect in effects {
            if case .reply(id, let result) = effect { return result }
        }
        return nil
    }

    // MARK: - What the station sent

    var sentFrames: [JSONValue] {
        effects.compactMap { effect in
            if case .send(let text) = effect { return try! JSONValue.parse(text) }
            return nil
        }
    }

    var sentCalls: [SentCall] {
        sentFrames.compactMap { frame in
            guard case .array(let items) = frame, items.count == 4, items[0] == .integer(2),
                  case .string(let id) = items[1], case .string(let action) = items[2]
            else { return nil }
            return SentCall(messageId: id, action: action, payload: items[3])
        }
    }

    func calls(_ action: String) -> [SentCall] { sentCalls.filter { $0.action == action } }

    var outstanding: SentCall? {
        guard let id = engine.outbox.inFlight?.messageId else { return nil }
        return sentCalls.last { $0.messageId == id }
    }

    func answer(to messageId: String) -> JSONValue? {
        sentFrames.last { frame in
            guard case .array(let items) = frame, items.count >= 3, case .string(let id) = items[1] else { return false }
            return id == messageId && (items[0] == .integer(3) || items[0] == .integer(4))
        }
    }

    func errorCode(answering messageId: String) -> String? {
        guard case .array(let items)? = answer(to: messageId), items[0] == .integer(4), case .string(let code) = items[2]
        else { return nil }
        return code
    }

    func result(answering messageId: String) -> JSONValue? {
        guard case .array(let items)? = answer(to: messageId), items[0] == .integer(3) else { return nil }
        return items[2]
    }

    var persisted: [StoreChange] {
        effects.flatMap { effect -> [StoreChange] in
            if case .persist(let changes) = effect { return changes }
            return []
        }
    }

    /// Position of the first effect matching `predicate`, for order checks.
    func position(_ predicate: (Effect) -> Bool) -> Int? {
        effects.firstIndex(where: predicate)
    }
}

extension JSONValue {
    subscript(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    subscript(_ index: Int) -> JSONValue? {
        guard case .array(let items) = self, items.indices.contains(index) else { return nil }
        return items[index]
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
