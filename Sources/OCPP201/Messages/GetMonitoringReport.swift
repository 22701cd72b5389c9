/// [SCH] GetMonitoringReportRequest: the monitors of the named variables, of the kinds named, sent in
/// NotifyMonitoringReport parts [N02].
public struct GetMonitoringReportRequest: OCPPRequest, Equatable {
    public typealias Response = GetMonitoringReportResponse
    public static let action = Action.getMonitoringReport
    public var componentVariable: [ComponentVariable]?
    public var requestId: Int
    public var monitoringCriteria: [MonitoringCriterion]?

    public init(
        componentVariable: [ComponentVariable]? = nil, requestId: Int, monitoringCriteria: [MonitoringCriterion]? = nil
    ) {
        self.componentVariable = componentVariable
        self.requestId = requestId
        self.monitoringCriteria = monitoringCriteria
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        componentVariable = try container.decodeItemsIfPresent([ComponentVariable].self, forKey: .componentVariable)
        requestId = try container.decode(Int.self, forKey: .requestId)
        monitoringCriteria = try container.decodeItemsIfPresent(
            [MonitoringCriterion].self, forKey: .monitoringCriteria, atMost: 3)
    }
}

public struct GetMonitoringReportResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: GenericDeviceModelStatus
    public var statusInfo: StatusInfo?

    public init(status: GenericDeviceModelStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
