/// [SCH] NotifyReportRequest: one part of the report a GetBaseReport or GetReport asked for. Parts share the
/// request's `requestId`, count `seqNo` from 0, and all but the last have `tbc` true [B07.FR.04].
public struct NotifyReportRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.notifyReport
    public var requestId: Int
    public var generatedAt: Timestamp
    public var reportData: [ReportData]?
    /// "To be continued": more parts follow. Absent means false.
    public var tbc: Bool?
    public var seqNo: Int

    public init(
        requestId: Int, generatedAt: Timestamp, reportData: [ReportData]? = nil, tbc: Bool? = nil, seqNo: Int
    ) {
        self.requestId = requestId
        self.generatedAt = generatedAt
        self.reportData = reportData
        self.tbc = tbc
        self.seqNo = seqNo
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.decode(Int.self, forKey: .requestId)
        generatedAt = try container.decode(Timestamp.self, forKey: .generatedAt)
        reportData = try container.decodeItemsIfPresent([ReportData].self, forKey: .reportData)
        tbc = try container.decodeIfPresent(Bool.self, forKey: .tbc)
        seqNo = try container.decode(Int.self, forKey: .seqNo)
    }
}
