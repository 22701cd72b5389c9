public struct RemoteStopTransactionRequest: OCPPRequest, Equatable {
    public typealias Response = RemoteStopTransactionResponse
    public static let action = Action.remoteStopTransaction
    public var transactionId: Int
}

public struct RemoteStopTransactionResponse: Codable, Sendable, Equatable {
    public var status: RemoteStartStopStatus
    public init(status: RemoteStartStopStatus) { self.status = status }
}
