/// The monitoring types of functional block N ([SCH]; [P1] §4.6): monitors the CSMS sets on device-model
/// variables, and the events they raise.

/// [SCH] MonitorEnumType. Thresholds and Delta watch the value; the periodic kinds report it every `value` seconds.
public enum MonitorType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case upperThreshold = "UpperThreshold"
    case lowerThreshold = "LowerThreshold"
    case delta = "Delta"
    case periodic = "Periodic"
    case periodicClockAligned = "PeriodicClockAligned"
}

/// [SCH] SetMonitoringStatusEnumType.
public enum SetMonitoringStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case unknownComponent = "UnknownComponent"
    case unknownVariable = "UnknownVariable"
    case unsupportedMonitorType = "UnsupportedMonitorType"
    case rejected = "Rejected"
    case duplicate = "Duplicate"
}

/// [SCH] ClearMonitoringStatusEnumType.
public enum ClearMonitoringStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
    case notFound = "NotFound"
}

/// [SCH] MonitoringCriterionEnumType: GetMonitoringReport's filter by kind of monitor.
public enum MonitoringCriterion: String, Codable, JSONScalar, Sendable, CaseIterable {
    case thresholdMonitoring = "ThresholdMonitoring"
    case deltaMonitoring = "DeltaMonitoring"
    case periodicMonitoring = "PeriodicMonitoring"
}

/// [SCH] MonitoringBaseEnumType: which monitors are in force [N03].
public enum MonitoringBase: String, Codable, JSONScalar, Sendable, CaseIterable {
    case all = "All"
    case factoryDefault = "FactoryDefault"
    case hardWiredOnly = "HardWiredOnly"
}

/// [SCH] EventTriggerEnumType.
public enum EventTrigger: String, Codable, JSONScalar, Sendable, CaseIterable {
    case alerting = "Alerting"
    case delta = "Delta"
    case periodic = "Periodic"
}

/// [SCH] EventNotificationEnumType: who made the monitor that raised an event, or none for a hard-wired notice.
public enum EventNotificationType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case hardWiredNotification = "HardWiredNotification"
    case hardWiredMonitor = "HardWiredMonitor"
    case preconfiguredMonitor = "PreconfiguredMonitor"
    case customMonitor = "CustomMonitor"
}

/// [SCH] VariableMonitoringType: one monitor as NotifyMonitoringReport lists it.
public struct VariableMonitoring: Codable, Sendable, Equatable, CustomDataExtensible {
    public var id: Int
    public var transaction: Bool
    public var value: Double
    public var type: MonitorType
    public var severity: Int

    public init(id: Int, transaction: Bool, value: Double, type: MonitorType, severity: Int) {
        self.id = id
        self.transaction = transaction
        self.value = value
        self.type = type
        self.severity = severity
    }
}

/// [SCH] MonitoringDataType: the monitors of one variable.
public struct MonitoringData: Codable, Sendable, Equatable, CustomDataExtensible {
    public var component: Component
    public var variable: Variable
    public var variableMonitoring: [VariableMonitoring]

    public init(component: Component, variable: Variable, variableMonitoring: [VariableMonitoring]) {
        self.component = component
        self.variable = variable
        self.variableMonitoring = variableMonitoring
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        component = try container.decode(Component.self, forKey: .component)
        variable = try container.decode(Variable.self, forKey: .variable)
        variableMonitoring = try container.decodeItems([VariableMonitoring].self, forKey: .variableMonitoring)
    }
}

/// [SCH] EventDataType: one event of a NotifyEvent.
public struct EventData: Codable, Sendable, Equatable, CustomDataExtensible {
    public var eventId: Int
    public var timestamp: Timestamp
    public var trigger: EventTrigger
    /// Another event's id: what caused this one.
    public var cause: Int?
    /// Empty for a WriteOnly variable [N07.FR.10].
    public var actualValue: CiString<2500>
    public var techCode: CiString<50>?
    public var techInfo: CiString<500>?
    /// The value is back within its threshold [N07.FR.02].
    public var cleared: Bool?
    public var transactionId: CiString<36>?
    public var component: Component
    public var variableMonitoringId: Int?
    public var eventNotificationType: EventNotificationType
    public var variable: Variable

    public init(
        eventId: Int, timestamp: Timestamp, trigger: EventTrigger, cause: Int? = nil, actualValue: CiString<2500>,
        techCode: CiString<50>? = nil, techInfo: CiString<500>? = nil, cleared: Bool? = nil,
        transactionId: CiString<36>? = nil, component: Component, variableMonitoringId: Int? = nil,
        eventNotificationType: EventNotificationType, variable: Variable
    ) {
        self.eventId = eventId
        self.timestamp = timestamp
        self.trigger = trigger
        self.cause = cause
        self.actualValue = actualValue
        self.techCode = techCode
        self.techInfo = techInfo
        self.cleared = cleared
        self.transactionId = transactionId
        self.component = component
        self.variableMonitoringId = variableMonitoringId
        self.eventNotificationType = eventNotificationType
        self.variable = variable
    }
}
