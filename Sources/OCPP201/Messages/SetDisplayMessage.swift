/// [SCH] SetDisplayMessageRequest: a message to show, replacing a stored one with the same id [O06.FR.01].
public struct SetDisplayMessageRequest: OCPPRequest, Equatable {
    public typealias Response = SetDisplayMessageResponse
    public static let action = Action.setDisplayMessage
    public var message: MessageInfo

    public init(message: MessageInfo) {
        self.message = message
    }
}

public struct SetDisplayMessageResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: DisplayMessageStatus
    public var statusInfo: StatusInfo?

    public init(status: DisplayMessageStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
