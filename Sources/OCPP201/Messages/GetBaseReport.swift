/// [SCH] GetBaseReportRequest: the report itself follows as NotifyReport messages carrying `requestId` [B07].
public struct GetBaseReportRequest: OCPPRequest, Equatable {
    public typealias Response = GetBaseReportResponse
    public static let action = Action.getBaseReport
    public var requestId: Int
    public var reportBase: ReportBase

    public init(requestId: Int, reportBase: ReportBase) {
        self.requestId = requestId
        self.reportBase = reportBase
    }
}

public struct GetBaseReportResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: GenericDeviceModelStatus
    public var statusInfo: StatusInfo?

    public init(status: GenericDeviceModelStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
