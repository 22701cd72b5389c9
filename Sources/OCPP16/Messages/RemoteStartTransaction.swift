public struct RemoteStartTransactionRequest: OCPPRequest, Equatable {
    public typealias Response = RemoteStartTransactionResponse
    public static let action = Action.remoteStartTransaction
    public var connectorId: Int?
    public var idTag: IdToken
    public var chargingProfile: ChargingProfile?
}

public struct RemoteStartTransactionResponse: Codable, Sendable, Equatable {
    public var status: RemoteStartStopStatus
    public init(status: RemoteStartStopStatus) { self.status = status }
}
