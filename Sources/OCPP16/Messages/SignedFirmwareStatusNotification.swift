public struct SignedFirmwareStatusNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.signedFirmwareStatusNotification
    public var status: SignedFirmwareStatus
    /// Left out only for Idle.
    public var requestId: Int?

    public init(status: SignedFirmwareStatus, requestId: Int?) {
        self.status = status
        self.requestId = requestId
    }
}
