import EngineSupport
import OCPP201

/// A TransactionEvent waiting for the CSMS's answer, as stored: the request is final when it is queued
/// (timestamp, seqNo, `offline`), so a retry or a delivery after a restart sends exactly what was decided.
public struct QueuedTransactionEvent: Codable, Sendable, Equatable {
    /// Delivery order across all transactions.
    public var sequence: Int
    public var request: TransactionEventRequest
    /// Transmissions that failed to be processed (a CALLERROR or no answer in time) [E13].
    public var failedAttempts: Int = 0

    public var transactionId: String { request.transactionInfo.transactionId.value }
}

extension QueuedTransactionEvent: QueuedForDelivery {
    public var transactionKey: String { transactionId }
}

/// Every TransactionEvent not yet answered, in the order they happened ([E04.FR.01, E11.FR.02]: persistent,
/// first in first out, one at a time), with the retry wait of the head after a failure [E13] and the place of
/// each among the station's other calls.
struct TransactionEventQueue: Sendable {
    private var events: DeliveryQueue<QueuedTransactionEvent>
    private var nextSequence: Int
    /// When the head may be sent again after a failed attempt.
    private(set) var retryAt: Duration?
    /// The outbox's last ticket when each event was queued: calls queued before an event go before it.
    /// Restored events come before anything of this boot.
    private var tickets: [Int: Int] = [:]

    init(restoring stored: [QueuedTransactionEvent]) {
        events = DeliveryQueue(restoring: stored)
        nextSequence = (events.lastSequence ?? 0) + 1
    }

    var head: QueuedTransactionEvent? { events.head }
    var isEmpty: Bool { events.isEmpty }
    var count: Int { events.count }

    func contains(transaction id: String) -> Bool {
        events.hasUndelivered(transaction: id)
    }

    /// How many transactions have an event waiting.
    var transactionsWaiting: Int { events.transactionsWaiting }

    /// The head, if its retry wait is over, with the outbox ticket it follows.
    func ready(at uptime: Duration) -> (event: QueuedTransactionEvent, after: Int)? {
        guard let head = events.head, retryAt.map({ $0 <= uptime }) ?? true else { return nil }
        return (head, tickets[head.sequence] ?? 0)
    }

    mutating func append(_ request: TransactionEventRequest, after ticket: Int) -> QueuedTransactionEvent {
        let event = QueuedTransactionEvent(sequence: nextSequence, request: request)
        nextSequence += 1
        events.append(event)
        tickets[event.sequence] = ticket
        return event
    }

    /// The head was answered: it leaves the queue.
    mutating func delivered(sequence: Int) {
        guard events.head?.sequence == sequence else { return }
        remove(sequence)
    }

    enum FailureOutcome: Equatable {
        /// Stored again with its attempt counted; sent again after the wait.
        case retry(QueuedTransactionEvent)
        /// MessageAttempts reached: discarded [E13.FR.04].
        case discarded(QueuedTransactionEvent)
    }

    /// The head failed to be processed: it waits `interval` × the transmissions so far before the next one,
    /// up to `attempts` transmissions in all [E13.FR.02–04].
    mutating func failed(sequence: Int, at uptime: Duration, attempts: Int, interval: Duration) -> FailureOutcome? {
        guard var head = events.head, head.sequence == sequence else { return nil }
        head.failedAttempts += 1
        guard head.failedAttempts < attempts else {
            remove(sequence)
            return .discarded(head)
        }
        events.update(head)
        retryAt = uptime + interval * head.failedAttempts
        return .retry(head)
    }

    private mutating func remove(_ sequence: Int) {
        events.remove(sequence)
        tickets[sequence] = nil
        retryAt = nil
    }
}
