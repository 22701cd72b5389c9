public struct LogStatusNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.logStatusNotification
    public var status: UploadLogStatus
    /// Left out only when triggered while no upload is going on.
    public var requestId: Int?

    public init(status: UploadLogStatus, requestId: Int?) {
        self.status = status
        self.requestId = requestId
    }
}
