/// [SCH] FirmwareStatusNotificationRequest: a step of the firmware update `requestId` [L01.FR.20], or Idle.
public struct FirmwareStatusNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.firmwareStatusNotification
    public var status: FirmwareStatus
    public var requestId: Int?

    public init(status: FirmwareStatus, requestId: Int?) {
        self.status = status
        self.requestId = requestId
    }
}
