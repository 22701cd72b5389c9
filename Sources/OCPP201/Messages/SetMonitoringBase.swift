/// [SCH] SetMonitoringBaseRequest: which set of monitors is in force [N03].
public struct SetMonitoringBaseRequest: OCPPRequest, Equatable {
    public typealias Response = SetMonitoringBaseResponse
    public static let action = Action.setMonitoringBase
    public var monitoringBase: MonitoringBase

    public init(monitoringBase: MonitoringBase) {
        self.monitoringBase = monitoringBase
    }
}

public struct SetMonitoringBaseResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: GenericDeviceModelStatus
    public var statusInfo: StatusInfo?

    public init(status: GenericDeviceModelStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
