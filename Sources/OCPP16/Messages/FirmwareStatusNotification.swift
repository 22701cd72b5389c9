public struct FirmwareStatusNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.firmwareStatusNotification
    public var status: FirmwareStatus
    public init(status: FirmwareStatus) { self.status = status }
}
