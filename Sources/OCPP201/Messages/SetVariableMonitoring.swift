/// [SCH] SetVariableMonitoringRequest: creates or replaces monitors, one result per element [N04].
public struct SetVariableMonitoringRequest: OCPPRequest, Equatable {
    public typealias Response = SetVariableMonitoringResponse
    public static let action = Action.setVariableMonitoring
    public var setMonitoringData: [SetMonitoringData]

    public init(setMonitoringData: [SetMonitoringData]) {
        self.setMonitoringData = setMonitoringData
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        setMonitoringData = try container.decodeItems([SetMonitoringData].self, forKey: .setMonitoringData)
    }
}

/// [SCH] SetMonitoringDataType: a monitor to create (no `id`) or to replace (the `id` of an existing one).
public struct SetMonitoringData: Codable, Sendable, Equatable, CustomDataExtensible {
    public var id: Int?
    /// Only while a transaction runs on the component's EVSE (or anywhere, for a station-wide component).
    public var transaction: Bool?
    /// The threshold, the delta, or the period in seconds.
    public var value: Double
    public var type: MonitorType
    /// 0 (Danger) … 9 (Debug).
    public var severity: Int
    public var component: Component
    public var variable: Variable

    public init(
        id: Int? = nil, transaction: Bool? = nil, value: Double, type: MonitorType, severity: Int,
        component: Component, variable: Variable
    ) {
        self.id = id
        self.transaction = transaction
        self.value = value
        self.type = type
        self.severity = severity
        self.component = component
        self.variable = variable
    }
}

public struct SetVariableMonitoringResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var setMonitoringResult: [SetMonitoringResult]

    public init(setMonitoringResult: [SetMonitoringResult]) {
        self.setMonitoringResult = setMonitoringResult
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        setMonitoringResult = try container.decodeItems([SetMonitoringResult].self, forKey: .setMonitoringResult)
    }
}

/// [SCH] SetMonitoringResultType: the element's outcome, echoing it, with the id the monitor got.
public struct SetMonitoringResult: Codable, Sendable, Equatable, CustomDataExtensible {
    public var id: Int?
    public var statusInfo: StatusInfo?
    public var status: SetMonitoringStatus
    public var type: MonitorType
    public var component: Component
    public var variable: Variable
    public var severity: Int

    public init(
        id: Int? = nil, statusInfo: StatusInfo? = nil, status: SetMonitoringStatus, type: MonitorType,
        component: Component, variable: Variable, severity: Int
    ) {
        self.id = id
        self.statusInfo = statusInfo
        self.status = status
        self.type = type
        self.component = component
        self.variable = variable
        self.severity = severity
    }
}
