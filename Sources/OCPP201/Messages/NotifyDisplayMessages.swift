/// [SCH] NotifyDisplayMessagesRequest: one part of the answer to a GetDisplayMessages, with its `requestId`; all
/// parts but the last have `tbc` true [O03.FR.03–05].
public struct NotifyDisplayMessagesRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.notifyDisplayMessages
    public var messageInfo: [MessageInfo]?
    public var requestId: Int
    /// "To be continued": more parts follow. Absent means false.
    public var tbc: Bool?

    public init(messageInfo: [MessageInfo]? = nil, requestId: Int, tbc: Bool? = nil) {
        self.messageInfo = messageInfo
        self.requestId = requestId
        self.tbc = tbc
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        messageInfo = try container.decodeItemsIfPresent([MessageInfo].self, forKey: .messageInfo)
        requestId = try container.decode(Int.self, forKey: .requestId)
        tbc = try container.decodeIfPresent(Bool.self, forKey: .tbc)
    }
}
