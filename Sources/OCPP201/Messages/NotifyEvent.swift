/// [SCH] NotifyEventRequest: events raised by monitors and hard-wired notices [N07, N08].
public struct NotifyEventRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.notifyEvent
    public var generatedAt: Timestamp
    public var tbc: Bool?
    public var seqNo: Int
    public var eventData: [EventData]

    public init(generatedAt: Timestamp, tbc: Bool? = nil, seqNo: Int, eventData: [EventData]) {
        self.generatedAt = generatedAt
        self.tbc = tbc
        self.seqNo = seqNo
        self.eventData = eventData
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        generatedAt = try container.decode(Timestamp.self, forKey: .generatedAt)
        tbc = try container.decodeIfPresent(Bool.self, forKey: .tbc)
        seqNo = try container.decode(Int.self, forKey: .seqNo)
        eventData = try container.decodeItems([EventData].self, forKey: .eventData)
    }
}
