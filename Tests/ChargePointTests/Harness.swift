import EngineSupport
import Logging
import OCPP16
import TestFixtures
import Testing

@testable import ChargePoint

/// A CALL the charge point sent, as the CSMS sees it.
struct SentCall {
    var messageId: String
    var action: String
    var payload: JSONValue

    subscript(_ field: String) -> JSONValue? {
        guard case .object(let fields) = payload else { return nil }
        return fields[field]
    }
}

/// Drives the engine with a fake clock and records every effect, so tests read like a conversation
/// between a central system and the charge point.
struct Harness: FakeClockHarness {
    var engine: ChargePointEngine
    var uptime: Duration = .seconds(100)
    var wallClock: Int64 = 1_800_000_000_000
    var effects: [Effect] = []
    private var nextReply: UInt64 = 0

    init(
        connectors: Int = 2, persisted: PersistedState = PersistedState(),
        overrides: [(key: String, value: String)] = [], security: SecuritySettings = SecuritySettings()
    ) {
        let settings = StationSettings(
            identity: "CP1", connectorCount: connectors,
            bootNotification: BootNotificationRequest(chargePointVendor: "Vendor", chargePointModel: "Model"),
            configurationOverrides: overrides, security: security)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        engine = try! ChargePointEngine(
            settings: settings, restoring: persisted,
            now: Now(uptime: .seconds(100), wallClock: Timestamp(millisecondsSince1970: 1_800_000_000_000)),
            messageIdPrefix: "m", logger: logger)
        effects = engine.start()
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

    // MARK: - Frames

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

    var lastCall: SentCall? { sentCalls.last }

    func calls(_ action: String) -> [SentCall] { sentCalls.filter { $0.action == action } }

    /// The answer the charge point sent to a CSMS CALL with this id.
    func answer(to messageId: String) -> JSONValue? {
        sentFrames.last { frame in
            guard case .array(let items) = frame, items.count >= 3, case .string(let id) = items[1] else { return false }
            return id == messageId && (items[0] == .integer(3) || items[0] == .integer(4))
        }
    }

    /// The CALLERROR code answered to a CSMS CALL, if it was a CALLERROR.
    func errorCode(answering messageId: String) -> String? {
        guard case .array(let items)? = answer(to: messageId), items[0] == .integer(4), case .string(let code) = items[2]
        else { return nil }
        return code
    }

    /// The payload of the CALLRESULT answered to a CSMS CALL.
    func result(answering messageId: String) -> JSONValue? {
        guard case .array(let items)? = answer(to: messageId), items[0] == .integer(3) else { return nil }
        return items[2]
    }

    /// The CALL the charge point waits on, if any.
    var outstanding: SentCall? {
        guard let id = engine.inFlight?.messageId else { return nil }
        return sentCalls.last { $0.messageId == id }
    }

    mutating func respond(_ payload: String) {
        let call = outstanding!
        handle(.received("[3,\"\(call.messageId)\",\(payload)]"))
    }

    mutating func respondError(_ code: String) {
        let call = outstanding!
        handle(.received("[4,\"\(call.messageId)\",\"\(code)\",\"nope\",{}]"))
    }

    mutating func csmsCall(_ id: String, _ action: String, _ payload: String) {
        handle(.received("[2,\"\(id)\",\"\(action)\",\(payload)]"))
    }

    /// Plays a well-behaved CSMS: answers every CALL of the charge point until it falls silent.
    /// StartTransaction gets transaction ids from `nextTransactionId` upwards.
    mutating func acknowledgeAll() {
        while let call = outstanding {
            switch call.action {
            case "StartTransaction":
                respond(#"{"idTagInfo":{"status":"Accepted"},"transactionId":\#(nextTransactionId)}"#)
                nextTransactionId += 1
            case "Authorize":
                respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
            case "Heartbeat":
                respond(#"{"currentTime":"2027-01-15T08:00:00Z"}"#)
            case "BootNotification":
                respond(#"{"status":"Accepted","currentTime":"2027-01-15T08:00:00Z","interval":300}"#)
            case "SignCertificate":
                respond(#"{"status":"Accepted"}"#)
            default:
                respond("{}")
            }
        }
    }

    var nextTransactionId = 1

    /// Connects, boots with Accepted and answers the status round for connector 0 and every connector.
    mutating func bootAccepted(interval: Int = 300) {
        handle(.linkUp)
        respond(#"{"status":"Accepted","currentTime":"2027-01-15T08:00:00Z","interval":\#(interval)}"#)
        acknowledgeAll()
    }

    // MARK: - API

    mutating func command(_ command: Command) -> ReplyID {
        nextReply += 1
        let id = ReplyID(nextReply)
        handle(.command(command, id))
        return id
    }

    func reply(_ id: ReplyID) -> CommandResult? {
        effects.lazy.compactMap { effect -> CommandResult? in
            if case .reply(id, let result) = effect { return result }
            return nil
        }.first
    }

    var persisted: [StoreChange] {
        effects.flatMap { effect -> [StoreChange] in
            if case .persist(let changes) = effect { return changes }
            return []
        }
    }

    func status(of connector: Int) -> ChargePointStatus {
        engine.connectorSnapshot(connector - 1).status
    }
}

/// `text` as a JSON string literal, for payloads that carry PEM or other text needing escapes.
func jsonString(_ text: String) -> String { JSONValue.string(text).serialized() }

extension JSONValue {
    subscript(_ field: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields[field]
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var intValue: Int? {
        if case .integer(let value) = self { return Int(value) }
        return nil
    }
}
