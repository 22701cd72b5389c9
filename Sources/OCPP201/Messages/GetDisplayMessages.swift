/// [SCH] GetDisplayMessagesRequest: the stored messages that match every filter given (`id` any of the listed
/// ids), reported in NotifyDisplayMessages with the same `requestId` [O03, O04].
public struct GetDisplayMessagesRequest: OCPPRequest, Equatable {
    public typealias Response = GetDisplayMessagesResponse
    public static let action = Action.getDisplayMessages
    public var id: [Int]?
    public var requestId: Int
    public var priority: MessagePriority?
    public var state: MessageState?

    public init(id: [Int]? = nil, requestId: Int, priority: MessagePriority? = nil, state: MessageState? = nil) {
        self.id = id
        self.requestId = requestId
        self.priority = priority
        self.state = state
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeItemsIfPresent([Int].self, forKey: .id)
        requestId = try container.decode(Int.self, forKey: .requestId)
        priority = try container.decodeIfPresent(MessagePriority.self, forKey: .priority)
        state = try container.decodeIfPresent(MessageState.self, forKey: .state)
    }
}

public struct GetDisplayMessagesResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: GetDisplayMessagesStatus
    public var statusInfo: StatusInfo?

    public init(status: GetDisplayMessagesStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
