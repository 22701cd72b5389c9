public struct TriggerMessageRequest: OCPPRequest, Equatable {
    public typealias Response = TriggerMessageResponse
    public static let action = Action.triggerMessage
    public var requestedMessage: MessageTrigger
    public var connectorId: Int?
}

public struct TriggerMessageResponse: Codable, Sendable, Equatable {
    public var status: TriggerMessageStatus
    public init(status: TriggerMessageStatus) { self.status = status }
}
