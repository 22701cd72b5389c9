import DequeModule

/// The undelivered transaction messages in delivery order ([CORE] §3.7: FIFO, one at a time), with a
/// count per transaction so that "does this transaction still wait for delivery" costs nothing even
/// with ten thousand messages queued.
struct TransactionQueue: Sendable {
    private var messages: [Int: QueuedMessage] = [:]
    private var order = Deque<Int>()
    private var undelivered: [Int: Int] = [:]

    init(restoring queue: [QueuedMessage]) {
        for message in queue.sorted(by: { $0.sequence < $1.sequence }) { append(message) }
    }

    var count: Int { order.count }
    var isEmpty: Bool { order.isEmpty }
    var head: QueuedMessage? { order.first.flatMap { messages[$0] } }

    subscript(sequence: Int) -> QueuedMessage? { messages[sequence] }

    func hasUndelivered(transaction localId: Int) -> Bool { undelivered[localId] != nil }

    mutating func append(_ message: QueuedMessage) {
        messages[message.sequence] = message
        order.append(message.sequence)
        undelivered[message.transactionLocalId, default: 0] += 1
    }

    /// Replaces a message in place (a failed attempt counted).
    mutating func update(_ message: QueuedMessage) {
        messages[message.sequence] = message
    }

    mutating func remove(_ sequence: Int) {
        guard let message = messages.removeValue(forKey: sequence) else { return }
        if order.first == sequence { order.removeFirst() } else { order.removeAll { $0 == sequence } }
        let left = (undelivered[message.transactionLocalId] ?? 1) - 1
        undelivered[message.transactionLocalId] = left > 0 ? left : nil
    }
}
