/// [SCH] ClearDisplayMessageRequest: removes the stored message with this id [O05].
public struct ClearDisplayMessageRequest: OCPPRequest, Equatable {
    public typealias Response = ClearDisplayMessageResponse
    public static let action = Action.clearDisplayMessage
    public var id: Int

    public init(id: Int) {
        self.id = id
    }
}

public struct ClearDisplayMessageResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: ClearMessageStatus
    public var statusInfo: StatusInfo?

    public init(status: ClearMessageStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
