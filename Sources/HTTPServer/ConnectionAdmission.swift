/// Keeps the server reachable when clients are slow or many: a slowloris client that trickles a byte
/// a second defeats an idle timeout (each byte restarts it) and, with enough sockets, holds every slot.
///
/// The rules, as a state machine that decides and returns which connections to close (the server closes
/// them, see `HTTPServerCore`):
/// - A connection has `requestTimeout` to deliver a whole request (headers and body), counted from its
///   opening or from the end of its previous answer (so an idle keep-alive connection ends then too).
///   While the application works on a request, or streams an answer, there is no deadline.
/// - At most `perAddressLimit` connections per client address and `connectionLimit` in all. A newcomer
///   past either limit takes the place of the oldest connection of that address (or of any address) that
///   is still receiving: a new client always gets in, and one that sends its request at once is served.
///   Only when every connection in the way is busy is the newcomer itself refused.
struct ConnectionAdmission<ID: Hashable & Sendable>: Sendable {
    struct Limits: Sendable, Equatable {
        var requestTimeout: Duration
        var connectionLimit: Int
        var perAddressLimit: Int
    }

    private struct Entry {
        let address: [UInt8]
        /// Opening order; the oldest receiving connection is the first to give way.
        let order: UInt64
        /// nil while busy (the application has the request, or an answer streams).
        var deadline: Duration?
        /// Already chosen to be closed: not counted, not chosen twice.
        var closing = false
    }

    let limits: Limits
    private var entries: [ID: Entry] = [:]
    private var opened: UInt64 = 0

    init(limits: Limits) {
        self.limits = limits
    }

    /// Connections open and not being closed.
    var count: Int { entries.values.count { !$0.closing } }

    /// The earliest request deadline, for the timer that calls `expire`.
    var nextDeadline: Duration? {
        entries.values.lazy.filter { !$0.closing }.compactMap(\.deadline).min()
    }

    /// A connection was accepted. Returns the connections to close: none, the ones it displaces, or itself.
    mutating func opened(_ id: ID, address: [UInt8], now: Duration) -> [ID] {
        opened += 1
        entries[id] = Entry(address: address, order: opened, deadline: now + limits.requestTimeout)
        var closing: [ID] = []
        if count(from: address) > limits.perAddressLimit {
            closing.append(makeRoom(for: id, among: { $0.address == address }))
        }
        if count > limits.connectionLimit {
            closing.append(makeRoom(for: id, among: { _ in true }))
        }
        return closing
    }

    /// The whole request is in: the application has it, no deadline until its answer is sent.
    mutating func requestReceived(_ id: ID) {
        entries[id]?.deadline = nil
    }

    /// The answer was sent: the connection may carry the next request, within a new deadline.
    mutating func answerSent(_ id: ID, now: Duration) {
        guard entries[id]?.closing == false else { return }
        entries[id]?.deadline = now + limits.requestTimeout
    }

    mutating func closed(_ id: ID) {
        entries[id] = nil
    }

    /// The connections whose deadline has passed; they are marked as closing.
    mutating func expire(now: Duration) -> [ID] {
        let late = entries.filter { !$0.value.closing && $0.value.deadline.map { $0 <= now } == true }.map(\.key)
        for id in late { entries[id]?.closing = true }
        return late
    }

    private func count(from address: [UInt8]) -> Int {
        entries.values.count { !$0.closing && $0.address == address }
    }

    /// Marks the oldest receiving connection matching `candidate` (never `newcomer`) as closing and returns
    /// it; the newcomer itself when every other one is busy.
    private mutating func makeRoom(for newcomer: ID, among candidate: (Entry) -> Bool) -> ID {
        let oldest = entries
            .filter { $0.key != newcomer && !$0.value.closing && $0.value.deadline != nil && candidate($0.value) }
            .min { $0.value.order < $1.value.order }?.key
        let chosen = oldest ?? newcomer
        entries[chosen]?.closing = true
        return chosen
    }
}
