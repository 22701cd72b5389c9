/// [SCH] NotifyMonitoringReportRequest: one part of the report GetMonitoringReport asked for; parts count
/// `seqNo` from 0 and all but the last have `tbc` true [N02].
public struct NotifyMonitoringReportRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.notifyMonitoringReport
    public var monitor: [MonitoringData]?
    public var requestId: Int
    public var tbc: Bool?
    public var seqNo: Int
    public var generatedAt: Timestamp

    public init(monitor: [MonitoringData]? = nil, requestId: Int, tbc: Bool? = nil, seqNo: Int, generatedAt: Timestamp) {
        self.monitor = monitor
        self.requestId = requestId
        self.tbc = tbc
        self.seqNo = seqNo
        self.generatedAt = generatedAt
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        monitor = try container.decodeItemsIfPresent([MonitoringData].self, forKey: .monitor)
        requestId = try container.decode(Int.self, forKey: .requestId)
        tbc = try container.decodeIfPresent(Bool.self, forKey: .tbc)
        seqNo = try container.decode(Int.self, forKey: .seqNo)
        generatedAt = try container.decode(Timestamp.self, forKey: .generatedAt)
    }
}
