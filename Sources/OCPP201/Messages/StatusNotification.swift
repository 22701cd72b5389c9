/// [SCH] StatusNotificationRequest: one connector's status. Connectors count from 1 on each EVSE; there is no
/// connector 0 in 2.0.1, and errors are reported through NotifyEvent instead.
public struct StatusNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.statusNotification
    public var timestamp: Timestamp
    public var connectorStatus: ConnectorStatus
    public var evseId: Int
    public var connectorId: Int

    public init(timestamp: Timestamp, connectorStatus: ConnectorStatus, evseId: Int, connectorId: Int) {
        self.timestamp = timestamp
        self.connectorStatus = connectorStatus
        self.evseId = evseId
        self.connectorId = connectorId
    }
}

extension StatusNotificationRequest: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("timestamp", timestamp)
        object.member("connectorStatus", connectorStatus)
        object.member("evseId", evseId)
        object.member("connectorId", connectorId)
    }
}
