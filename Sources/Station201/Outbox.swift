import DequeModule
import EngineSupport
import OCPP201

/// What a CALL of ours is for, so that its answer reaches the right place.
enum CallPurpose: Sendable, Equatable {
    case boot
    /// Its answer's `currentTime` sets the station's clock.
    case heartbeat
    /// A call whose answer carries nothing the station acts on (StatusNotification, reports).
    case informational
    /// `POST /authorize`: the answer goes to the caller.
    case authorize(ReplyID, IdToken)
    /// A token presented at an EVSE: the answer decides whether it authorizes a transaction there.
    case authorizeStart(evseIndex: Int, PendingAuthorization)
    /// The head of the TransactionEvent queue.
    case transactionEvent(sequence: Int)
    /// A security log entry the CSMS has not acknowledged yet.
    case securityEvent(id: Int)
    /// A CSR: its answer starts the wait for the certificate [A02].
    case signCertificate
}

/// A CALL waiting for its turn.
struct QueuedCall: Sendable {
    var action: Action
    /// The request, or for a notification restored from the store its payload as it was stored.
    var payload: any Encodable & Sendable
    var purpose: CallPurpose
    /// Allowed before the station is Accepted: what a CSMS request caused (reports, triggered messages)
    /// [B02.FR.02/04].
    var allowedWhilePending: Bool
    /// Its place in the order calls were queued, which transaction events share (`lastTicket`).
    var ticket: Int
    /// A notification kept in the store until the CSMS answers it: its id there.
    var stored: Int?
}

struct InFlightCall: Sendable, Equatable {
    var messageId: String
    var action: Action
    var purpose: CallPurpose
    var sentAt: Duration
    var deadline: Duration
    var stored: Int?
}

/// A notification waiting for the CSMS, kept across restarts as it goes on the wire.
public struct StoredNotification: Codable, Sendable, Equatable {
    public var id: Int
    public var action: Action
    public var payload: JSONValue
    public var allowedWhilePending: Bool

    public init(id: Int, action: Action, payload: JSONValue, allowedWhilePending: Bool) {
        self.id = id
        self.action = action
        self.payload = payload
        self.allowedWhilePending = allowedWhilePending
    }
}

/// Why a CALL of ours brought no usable answer.
enum CallFailure: Error, Sendable, Equatable {
    case callError(code: String, description: String)
    case unreadableAnswer(String)
    case timeout
    case linkLost
}

/// Our CALLs: the queue, the one CALL in flight ([P4] §4.1.1) and its timeout. It decides nothing about
/// what may be sent when; the engine asks it for the next call that is allowed.
struct Outbox: Sendable {
    private let messageIdPrefix: String
    private var counter = 0
    private var queue = Deque<QueuedCall>()
    /// The ticket of the last call queued.
    private(set) var lastTicket = 0
    private(set) var inFlight: InFlightCall?
    /// The queued call in flight, as it was queued: a notification goes back to the head of the queue if the
    /// link drops before its answer, instead of being lost while the calls queued after it survive.
    private var inFlightQueued: QueuedCall?
    /// The notifications that outlive a restart: what the CSMS cannot learn again otherwise. Statuses are
    /// reported afresh after a boot, and reports answer a request of the CSMS's.
    static let storedActions: Set<Action> = [
        .notifyEvent, .reservationStatusUpdate, .notifyChargingLimit, .clearedChargingLimit,
        .firmwareStatusNotification, .logStatusNotification,
    ]
    /// At most this many wait in the store; beyond, new ones wait in memory only.
    static let storedCapacity = 1000
    private var lastStored = 0
    private var storedWaiting = 0
    /// Stored notifications queued since the engine last asked (`takeNewlyStored`).
    private var newlyStored: [StoredNotification] = []

    /// `restoring`: the notifications a previous run left undelivered, queued first, in their order.
    init(messageIdPrefix: String, restoring stored: [StoredNotification] = []) {
        self.messageIdPrefix = messageIdPrefix
        for notification in stored.sorted(by: { $0.id < $1.id }) {
            lastTicket += 1
            queue.append(QueuedCall(
                action: notification.action, payload: notification.payload, purpose: .informational,
                allowedWhilePending: notification.allowedWhilePending, ticket: lastTicket, stored: notification.id))
        }
        lastStored = stored.map(\.id).max() ?? 0
        storedWaiting = stored.count
    }

    var isIdle: Bool { inFlight == nil }

    /// A call of `action` waits or is in flight.
    func holds(_ action: Action) -> Bool {
        inFlight?.action == action || queue.contains { $0.action == action }
    }
    var deadline: Duration? { inFlight?.deadline }

    mutating func enqueue(_ request: some OCPPRequest, purpose: CallPurpose, allowedWhilePending: Bool = false) {
        lastTicket += 1
        let action = type(of: request).action
        var call = QueuedCall(
            action: action, payload: request, purpose: purpose, allowedWhilePending: allowedWhilePending,
            ticket: lastTicket)
        if purpose == .informational, Self.storedActions.contains(action), storedWaiting < Self.storedCapacity,
           let payload = try? JSONValue.parse(JSONWriter.encode(request))
        {
            lastStored += 1
            storedWaiting += 1
            call.stored = lastStored
            newlyStored.append(StoredNotification(
                id: lastStored, action: action, payload: payload, allowedWhilePending: allowedWhilePending))
        }
        queue.append(call)
    }

    /// The notifications to store, once each; the engine commits them before anything is sent.
    mutating func takeNewlyStored() -> [StoredNotification] {
        defer { newlyStored = [] }
        return newlyStored
    }

    /// A stored notification the CSMS answered, or that is given up: it leaves the store.
    mutating func storedDelivered() {
        storedWaiting -= 1
    }

    /// The first queued call that `allowed` admits, taken off the queue.
    mutating func next(where allowed: (QueuedCall) -> Bool) -> QueuedCall? {
        guard let index = queue.firstIndex(where: allowed) else { return nil }
        return queue.remove(at: index)
    }

    /// Takes the queued calls that `drop` picks off the queue, in order.
    mutating func dropQueued(where drop: (QueuedCall) -> Bool) -> [QueuedCall] {
        let dropped = Array(queue.filter(drop))
        queue.removeAll(where: drop)
        return dropped
    }

    /// How many calls of this action wait in the queue.
    func queuedCount(of action: Action) -> Int {
        queue.reduce(0) { count, call in call.action == action ? count + 1 : count }
    }

    /// Sends a call taken off the queue; see `linkLost`.
    mutating func send(_ call: QueuedCall, at uptime: Duration, timeout: Duration) -> String {
        let frame = send(call.action, call.payload, purpose: call.purpose, at: uptime, timeout: timeout)
        inFlight?.stored = call.stored
        inFlightQueued = call
        return frame
    }

    /// Marks a call as sent and returns its frame.
    mutating func send(
        _ request: some OCPPRequest, purpose: CallPurpose, at uptime: Duration, timeout: Duration
    ) -> String {
        send(type(of: request).action, request, purpose: purpose, at: uptime, timeout: timeout)
    }

    private mutating func send(
        _ action: Action, _ payload: some Encodable, purpose: CallPurpose, at uptime: Duration, timeout: Duration
    ) -> String {
        counter += 1
        inFlightQueued = nil
        let messageId = "\(messageIdPrefix)-\(counter)"
        inFlight = InFlightCall(
            messageId: messageId, action: action, purpose: purpose, sentAt: uptime, deadline: uptime + timeout)
        return RPCCodec.call(messageId: messageId, action: action, payload: payload)
    }

    /// The call an answer with this id belongs to, no longer in flight; nil for an id we are not waiting on.
    mutating func answered(messageId: String) -> InFlightCall? {
        guard let call = inFlight, call.messageId == messageId else { return nil }
        inFlight = nil
        inFlightQueued = nil
        return call
    }

    mutating func timedOut(at uptime: Duration) -> InFlightCall? {
        guard let call = inFlight, call.deadline <= uptime else { return nil }
        inFlight = nil
        inFlightQueued = nil
        return call
    }

    /// The link dropped: the call in flight gets no answer; the queue waits for the next connection. A
    /// notification in flight waits at its head, to go again (the CSMS may see it twice, never not at all).
    mutating func linkLost() -> InFlightCall? {
        if let queued = inFlightQueued, queued.purpose == .informational { queue.prepend(queued) }
        inFlightQueued = nil
        defer { inFlight = nil }
        return inFlight
    }
}
