/// [SCH] TriggerMessageRequest: the response goes first, then the triggered message [F06.FR.04]. `evse` narrows
/// the trigger where the message concerns an EVSE or connector.
public struct TriggerMessageRequest: OCPPRequest, Equatable {
    public typealias Response = TriggerMessageResponse
    public static let action = Action.triggerMessage
    public var evse: EVSE?
    public var requestedMessage: MessageTrigger

    public init(evse: EVSE? = nil, requestedMessage: MessageTrigger) {
        self.evse = evse
        self.requestedMessage = requestedMessage
    }
}

public struct TriggerMessageResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: TriggerMessageStatus
    public var statusInfo: StatusInfo?

    public init(status: TriggerMessageStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
