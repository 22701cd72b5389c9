public struct ExtendedTriggerMessageRequest: OCPPRequest, Equatable {
    public typealias Response = ExtendedTriggerMessageResponse
    public static let action = Action.extendedTriggerMessage
    public var requestedMessage: ExtendedMessageTrigger
    public var connectorId: Int?
}

public struct ExtendedTriggerMessageResponse: Codable, Sendable, Equatable {
    public var status: TriggerMessageStatus
    public init(status: TriggerMessageStatus) { self.status = status }
}
