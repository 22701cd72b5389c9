/// [SCH] LogStatusNotificationRequest: a step of the upload GetLog `requestId` asked for [N01], or Idle.
public struct LogStatusNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.logStatusNotification
    public var status: UploadLogStatus
    public var requestId: Int?

    public init(status: UploadLogStatus, requestId: Int?) {
        self.status = status
        self.requestId = requestId
    }
}
