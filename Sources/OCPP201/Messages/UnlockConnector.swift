/// [SCH] UnlockConnectorRequest: releases the cable lock; unlike 1.6 it never stops a transaction [F05.FR.02].
public struct UnlockConnectorRequest: OCPPRequest, Equatable {
    public typealias Response = UnlockConnectorResponse
    public static let action = Action.unlockConnector
    public var evseId: Int
    public var connectorId: Int

    public init(evseId: Int, connectorId: Int) {
        self.evseId = evseId
        self.connectorId = connectorId
    }
}

public struct UnlockConnectorResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: UnlockStatus
    public var statusInfo: StatusInfo?

    public init(status: UnlockStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
