import EngineSupport

/// The 1.6 transaction messages waiting for delivery.
typealias TransactionQueue = DeliveryQueue<QueuedMessage>

extension QueuedMessage: QueuedForDelivery {
    public var transactionKey: Int { transactionLocalId }
}
