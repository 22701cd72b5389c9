public struct StatusNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.statusNotification
    public var connectorId: Int
    public var errorCode: ChargePointErrorCode
    public var info: CiString<50>?
    public var status: ChargePointStatus
    public var timestamp: Timestamp?
    public var vendorId: CiString<255>?
    public var vendorErrorCode: CiString<50>?

    public init(
        connectorId: Int, errorCode: ChargePointErrorCode, info: CiString<50>? = nil,
        status: ChargePointStatus, timestamp: Timestamp?
    ) {
        self.connectorId = connectorId
        self.errorCode = errorCode
        self.info = info
        self.status = status
        self.timestamp = timestamp
    }
}

extension StatusNotificationRequest: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("connectorId", connectorId)
        object.member("errorCode", errorCode)
        object.member("info", info)
        object.member("status", status)
        object.member("timestamp", timestamp)
        object.member("vendorId", vendorId)
        object.member("vendorErrorCode", vendorErrorCode)
    }
}
