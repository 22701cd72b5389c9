import DequeModule

/// A message of a transaction waiting for delivery: its place in the delivery order and its transaction.
public protocol QueuedForDelivery: Sendable {
    associatedtype TransactionKey: Hashable & Sendable
    /// Delivery order: increasing, never reused.
    var sequence: Int { get }
    var transactionKey: TransactionKey { get }
}

/// The undelivered transaction messages of a station in delivery order (first in, first out, one at a time:
/// [1.6 CORE] §3.7, [2.0.1 E04.FR.01, E11.FR.02]), with a count per transaction so that "does this
/// transaction still wait for delivery" costs nothing even with ten thousand messages queued. Both protocols'
/// engines keep theirs in one.
public struct DeliveryQueue<Message: QueuedForDelivery>: Sendable {
    private var messages: [Int: Message] = [:]
    private var order = Deque<Int>()
    private var undelivered: [Message.TransactionKey: Int] = [:]

    public init(restoring queue: [Message]) {
        for message in queue.sorted(by: { $0.sequence < $1.sequence }) { append(message) }
    }

    public var count: Int { order.count }
    public var isEmpty: Bool { order.isEmpty }
    public var head: Message? { order.first.flatMap { messages[$0] } }
    /// The highest sequence queued, if any.
    public var lastSequence: Int? { order.last }

    public subscript(sequence: Int) -> Message? { messages[sequence] }

    public func hasUndelivered(transaction key: Message.TransactionKey) -> Bool { undelivered[key] != nil }

    /// How many transactions have a message waiting.
    public var transactionsWaiting: Int { undelivered.count }

    public mutating func append(_ message: Message) {
        messages[message.sequence] = message
        order.append(message.sequence)
        undelivered[message.transactionKey, default: 0] += 1
    }

    /// Replaces a message in place (a failed attempt counted).
    public mutating func update(_ message: Message) {
        messages[message.sequence] = message
    }

    public mutating func remove(_ sequence: Int) {
        guard let message = messages.removeValue(forKey: sequence) else { return }
        if order.first == sequence { order.removeFirst() } else { order.removeAll { $0 == sequence } }
        let left = (undelivered[message.transactionKey] ?? 1) - 1
        undelivered[message.transactionKey] = left > 0 ? left : nil
    }
}
