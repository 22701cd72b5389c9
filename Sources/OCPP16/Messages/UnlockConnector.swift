public struct UnlockConnectorRequest: OCPPRequest, Equatable {
    public typealias Response = UnlockConnectorResponse
    public static let action = Action.unlockConnector
    public var connectorId: Int
}

public struct UnlockConnectorResponse: Codable, Sendable, Equatable {
    public var status: UnlockStatus
    public init(status: UnlockStatus) { self.status = status }
}
