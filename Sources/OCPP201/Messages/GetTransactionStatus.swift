/// [SCH] GetTransactionStatusRequest: without `transactionId` the CSMS only asks whether any transaction messages
/// are still queued.
public struct GetTransactionStatusRequest: OCPPRequest, Equatable {
    public typealias Response = GetTransactionStatusResponse
    public static let action = Action.getTransactionStatus
    public var transactionId: CiString<36>?

    public init(transactionId: CiString<36>? = nil) {
        self.transactionId = transactionId
    }
}

/// [SCH] GetTransactionStatusResponse: `ongoingIndicator` is left out when no transaction was asked about.
public struct GetTransactionStatusResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var ongoingIndicator: Bool?
    public var messagesInQueue: Bool

    public init(ongoingIndicator: Bool? = nil, messagesInQueue: Bool) {
        self.ongoingIndicator = ongoingIndicator
        self.messagesInQueue = messagesInQueue
    }
}
