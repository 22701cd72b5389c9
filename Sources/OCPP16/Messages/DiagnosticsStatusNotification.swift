public struct DiagnosticsStatusNotificationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.diagnosticsStatusNotification
    public var status: DiagnosticsStatus
    public init(status: DiagnosticsStatus) { self.status = status }
}
