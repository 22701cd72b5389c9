/// [SCH] SetMonitoringLevelRequest: events of monitors with a severity above this level are not sent [N05].
public struct SetMonitoringLevelRequest: OCPPRequest, Equatable {
    public typealias Response = SetMonitoringLevelResponse
    public static let action = Action.setMonitoringLevel
    /// 0 (Danger) … 9 (Debug).
    public var severity: Int

    public init(severity: Int) {
        self.severity = severity
    }
}

public struct SetMonitoringLevelResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: GenericStatus
    public var statusInfo: StatusInfo?

    public init(status: GenericStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
