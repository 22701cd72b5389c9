/// [SCH] RequestStopTransactionRequest: the transaction id is the station's string, not 1.6's integer.
public struct RequestStopTransactionRequest: OCPPRequest, Equatable {
    public typealias Response = RequestStopTransactionResponse
    public static let action = Action.requestStopTransaction
    public var transactionId: CiString<36>

    public init(transactionId: CiString<36>) {
        self.transactionId = transactionId
    }
}

public struct RequestStopTransactionResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: RequestStartStopStatus
    public var statusInfo: StatusInfo?

    public init(status: RequestStartStopStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
