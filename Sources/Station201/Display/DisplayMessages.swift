import OCPP201

/// The messages the CSMS set for the station's one display ([O01]–[O06]), and the rules that pick what it
/// shows. It keeps no clock and no station state: the instant, the station's state and the ongoing
/// transactions are handed in by whoever asks, so every rule is a pure function of them.
///
/// What the display shows: of the messages in force (started, not ended, their state holding, their
/// transaction ongoing), the AlwaysFront one if there is one; otherwise the InFront ones, which take turns;
/// otherwise the NormalCycle ones, which take turns [O01.FR.12–15]. Turns last `turn`, in the order of the
/// messages' ids, counted from the station's start, so the same instant always shows the same message.
struct DisplayMessages: Sendable, Equatable {
    /// How long each of several messages of the same priority stays on the display before the next.
    static let turn: Duration = .seconds(5)

    /// By id.
    private var messages: [Int: MessageInfo]

    init(restoring messages: [MessageInfo] = []) {
        self.messages = Dictionary(messages.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
    }

    var count: Int { messages.count }

    /// Every stored message, by id.
    var all: [MessageInfo] { messages.values.sorted { $0.id < $1.id } }

    func contains(id: Int) -> Bool { messages[id] != nil }

    /// The ids a `set` of this message takes away besides its own: another AlwaysFront message, which it
    /// replaces [O01.FR.16, O02.FR.18].
    func displaced(by message: MessageInfo) -> [Int] {
        guard message.priority == .alwaysFront else { return [] }
        return messages.values.filter { $0.priority == .alwaysFront && $0.id != message.id }.map(\.id).sorted()
    }

    /// How many messages are stored once `message` is set: a message with a stored id replaces it
    /// [O06.FR.01], and an AlwaysFront one the other AlwaysFront message.
    func count(afterSetting message: MessageInfo) -> Int {
        count + (contains(id: message.id) ? 0 : 1) - displaced(by: message).count
    }

    /// Stores `message`; returns the ids of the messages it displaced.
    mutating func set(_ message: MessageInfo) -> [Int] {
        let displaced = displaced(by: message)
        for id in displaced { messages[id] = nil }
        messages[message.id] = message
        return displaced
    }

    /// False when no message has that id.
    mutating func remove(id: Int) -> Bool {
        messages.removeValue(forKey: id) != nil
    }

    /// The stored messages that meet every filter given: one of the ids, the priority, the state [O04].
    func matching(ids: [Int]?, priority: MessagePriority?, state: MessageState?) -> [MessageInfo] {
        all.filter { message in
            (ids.map { $0.contains(message.id) } ?? true)
                && (priority.map { $0 == message.priority } ?? true)
                && (state.map { $0 == message.state } ?? true)
        }
    }

    /// The messages to remove: those whose end has come [O01.FR.07, O02.FR.07], and those whose transaction
    /// no longer runs here [O02.FR.02].
    func outdated(at time: Timestamp, ongoing: Set<String>) -> [Int] {
        all.filter { message in
            if let end = message.endDateTime, end <= time { return true }
            if let transactionId = message.transactionId, !ongoing.contains(transactionId.value) { return true }
            return false
        }.map(\.id)
    }

    /// Whether `message` may be on the display at `time` in station state `state`.
    static func isInForce(_ message: MessageInfo, at time: Timestamp, state: MessageState, ongoing: Set<String>) -> Bool {
        if let start = message.startDateTime, start > time { return false }
        if let end = message.endDateTime, end <= time { return false }
        if let wanted = message.state, wanted != state { return false }
        if let transactionId = message.transactionId, !ongoing.contains(transactionId.value) { return false }
        return true
    }

    /// The messages that take turns on the display now, in turn order: the highest priority in force.
    func cycle(at time: Timestamp, state: MessageState, ongoing: Set<String>) -> [MessageInfo] {
        let inForce = all.filter { Self.isInForce($0, at: time, state: state, ongoing: ongoing) }
        for priority in [MessagePriority.alwaysFront, .inFront, .normalCycle] {
            let ranked = inForce.filter { $0.priority == priority }
            if !ranked.isEmpty { return ranked }
        }
        return []
    }

    /// The member of `cycle` whose turn it is `elapsed` after the station started.
    static func shown(from cycle: [MessageInfo], elapsed: Duration) -> MessageInfo? {
        guard !cycle.isEmpty else { return nil }
        return cycle[turnNumber(elapsed) % cycle.count]
    }

    /// When the turn after the one running at `elapsed` begins, counted from the station's start.
    static func nextTurn(after elapsed: Duration) -> Duration {
        turn * (turnNumber(elapsed) + 1)
    }

    private static func turnNumber(_ elapsed: Duration) -> Int {
        Int(max(elapsed, .zero) / turn)
    }

    /// The next instant after `time` at which a message starts or ends, changing what is in force.
    func nextChange(after time: Timestamp) -> Timestamp? {
        messages.values.flatMap { [$0.startDateTime, $0.endDateTime] }.compactMap { $0 }.filter { $0 > time }.min()
    }
}
