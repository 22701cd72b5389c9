/// [SCH] GetReportRequest: a filtered report, answered like GetBaseReport with NotifyReport messages [B08].
public struct GetReportRequest: OCPPRequest, Equatable {
    public typealias Response = GetReportResponse
    public static let action = Action.getReport
    public var componentVariable: [ComponentVariable]?
    public var requestId: Int
    /// At most four criteria, OR-ed together [B08.FR.13].
    public var componentCriteria: [ComponentCriterion]?

    public init(
        componentVariable: [ComponentVariable]? = nil, requestId: Int, componentCriteria: [ComponentCriterion]? = nil
    ) {
        self.componentVariable = componentVariable
        self.requestId = requestId
        self.componentCriteria = componentCriteria
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        componentVariable = try container.decodeItemsIfPresent([ComponentVariable].self, forKey: .componentVariable)
        requestId = try container.decode(Int.self, forKey: .requestId)
        componentCriteria = try container.decodeItemsIfPresent(
            [ComponentCriterion].self, forKey: .componentCriteria, atMost: 4)
    }
}

public struct GetReportResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: GenericDeviceModelStatus
    public var statusInfo: StatusInfo?

    public init(status: GenericDeviceModelStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
