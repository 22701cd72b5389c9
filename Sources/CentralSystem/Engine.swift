import EngineSupport
import Logging
import OCPP16

/// Identifies an API caller waiting for the answer to a CALL it asked for.
public struct CallTicket: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "#\(rawValue)" }
}

/// How a CALL an API caller asked for ended.
public enum CallOutcome: Sendable, Equatable {
    /// The CALLRESULT payload.
    case result(JSONValue)
    /// The station answered with a CALLERROR; the code stays a string, as stations send other versions' codes too.
    case callError(code: String, description: String, details: JSONValue)
    /// No answer within the call timeout; a late answer is dropped.
    case timedOut(after: Duration)
    /// No station with that identity is connected (or it went away before the CALL was sent).
    case notConnected
    /// The station disconnected while the CALL was on the wire: it may or may not have acted on it.
    case connectionLost
    /// Too many CALLs already wait for this station.
    case queueFull(limit: Int)
    /// The action is none of the station's version's (`OCPPVersion.sends(action:)`); nothing was sent.
    case unknownAction(OCPPVersion)
}

/// A connected station as `GET /api/v1/stations` shows it.
public struct StationSummary: Sendable, Equatable {
    public var identity: String
    public var ocppVersion: OCPPVersion
    public var connectedSince: Timestamp
    /// The status of its last BootNotification; nil until it sent one.
    public var registration: RegistrationStatus?
    /// Transactions started and not yet stopped, oldest first.
    public var transactions: [Int]
}

/// The OCPP 1.6 and 2.0.1 central system as a deterministic state machine: frames and API calls in, frames
/// and replies out. It never touches a socket, a clock or a thread, so every rule is testable with a fake clock.
///
/// Each connection speaks the version its subprotocol chose; its frames go to that version's receiver
/// (`Engine+Receive.swift` for 1.6, `Engine+Receive201.swift` for 2.0.1), while the framing of answers,
/// the CALLs of API callers and their timeouts are the same for both. It validates every CALL from a
/// station with the strict decoder and answers with the CALLERROR that version's stations use, so it is a
/// strict peer as well as a fast one. Registration and ongoing transactions are kept per identity across
/// reconnects (a reconnect needs no new BootNotification).
public struct CentralSystemEngine: Sendable {
    public enum Input: Sendable {
        /// The websocket layer guarantees one open connection per identity: a replaced connection is
        /// reported disconnected before its successor connects.
        case connected(connection: UInt64, identity: String, version: OCPPVersion)
        case received(connection: UInt64, text: String)
        case disconnected(connection: UInt64, reason: String)
        /// An API caller asks for a CALL to the station with this identity.
        case call(CallTicket, identity: String, action: String, payload: JSONValue)
        /// `nextDeadline` has passed.
        case tick
    }

    /// What the runtime must do, in order.
    public enum Effect: Sendable, Equatable {
        case send(connection: UInt64, text: String)
        case reply(CallTicket, CallOutcome)
    }

    /// One open websocket.
    struct Link {
        let identity: String
        let version: OCPPVersion
        let connectedSince: Timestamp
        /// The one CALL of ours a station may have outstanding ([J] §4.1.1).
        var inFlight: InFlightCall?
        var waiting: [WaitingCall] = []
    }

    struct InFlightCall {
        let ticket: CallTicket
        let messageId: String
        let action: String
        let deadline: Duration
    }

    struct WaitingCall {
        let ticket: CallTicket
        let action: String
        let payload: JSONValue
    }

    /// What outlives a connection.
    struct StationRecord {
        var registration: RegistrationStatus?
        var transactions: [Int] = []
    }

    let settings: CentralSystemSettings
    var logger: Logger
    var now = Now(uptime: .zero, wallClock: Timestamp(millisecondsSince1970: 0))
    var effects: [Effect] = []

    var links: [UInt64: Link] = [:]
    var linkByIdentity: [String: UInt64] = [:]
    /// Links with a CALL of ours on the wire: the only places a deadline can be.
    var linksWithCallInFlight: Set<UInt64> = []
    var records: [String: StationRecord] = [:]
    /// Transaction ids count up from 1 for the life of the process.
    var nextTransactionId = 1
    var lastMessageId: UInt64 = 0

    public init(settings: CentralSystemSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    /// Handles one input and puts the resulting effects into `output` (which must be empty). The
    /// runtime passes the same buffer every time, so handling a frame allocates no effect list.
    public mutating func handle(_ input: Input, at now: Now, into output: inout [Effect]) {
        self.now = now
        switch input {
        case .connected(let connection, let identity, let version):
            links[connection] = Link(identity: identity, version: version, connectedSince: now.wallClock)
            linkByIdentity[identity] = connection
            if records[identity] == nil { records[identity] = StationRecord() }
            logger.info("\(identity) connected with OCPP \(version.rawValue) (connection \(connection))")
        case .received(let connection, let text):
            // Field by field, as in `requestCall`: a copy of the link alive here would make answering copy its queue.
            guard let identity = links[connection]?.identity, let version = links[connection]?.version else { return }
            logger.debug("\(identity) <- \(text)")
            switch version {
            case .v16: receive(text, on: connection, from: identity)
            case .v201: receive201(text, on: connection, from: identity)
            }
        case .disconnected(let connection, let reason):
            disconnect(connection, reason: reason)
        case .call(let ticket, let identity, let action, let payload):
            requestCall(ticket, to: identity, action: action, payload: payload)
        case .tick:
            expireCalls()
        }
        swap(&effects, &output)
    }

    /// When the earliest CALL on the wire times out; nil while none is.
    public var nextDeadline: Duration? {
        var earliest: Duration?
        for connection in linksWithCallInFlight {
            if let deadline = links[connection]?.inFlight?.deadline, earliest.map({ deadline < $0 }) ?? true {
                earliest = deadline
            }
        }
        return earliest
    }

    /// The connected stations, by identity.
    public var stations: [StationSummary] {
        links.values.map { link in
            let record = records[link.identity]
            return StationSummary(
                identity: link.identity, ocppVersion: link.version, connectedSince: link.connectedSince,
                registration: record?.registration, transactions: record?.transactions ?? [])
        }.sorted { $0.identity < $1.identity }
    }

    mutating func send(_ text: String, on connection: UInt64, to identity: String) {
        logger.debug("\(identity) -> \(text)")
        effects.append(.send(connection: connection, text: text))
    }

    /// A BootNotification in either version: the configured status is what the station is now, and what it is told.
    mutating func register(_ identity: String) -> RegistrationStatus {
        records[identity, default: StationRecord()].registration = settings.bootStatus
        return settings.bootStatus
    }

    private mutating func disconnect(_ connection: UInt64, reason: String) {
        guard let link = links.removeValue(forKey: connection) else { return }
        if linkByIdentity[link.identity] == connection { linkByIdentity[link.identity] = nil }
        linksWithCallInFlight.remove(connection)
        if let call = link.inFlight { effects.append(.reply(call.ticket, .connectionLost)) }
        for call in link.waiting { effects.append(.reply(call.ticket, .notConnected)) }
        logger.info("\(link.identity) disconnected (connection \(connection)): \(reason)")
    }
}
