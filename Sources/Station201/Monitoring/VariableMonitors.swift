import OCPP201

/// One monitor the CSMS set on a variable [N04]. Every monitor of this station is a custom one: it has no
/// hard-wired or preconfigured monitors, so none is protected from ClearVariableMonitoring or SetMonitoringBase.
public struct VariableMonitor: Sendable, Equatable {
    public var id: Int
    public var address: VariableAddress
    public var type: MonitorType
    /// The threshold, the delta, or the period in seconds.
    public var value: Double
    /// 0 (Danger) … 9 (Debug).
    public var severity: Int
    /// Watched only while a transaction runs on the component's EVSE (on any EVSE for a station-wide component).
    public var transaction: Bool

    public init(id: Int, address: VariableAddress, type: MonitorType, value: Double, severity: Int, transaction: Bool) {
        self.id = id
        self.address = address
        self.type = type
        self.value = value
        self.severity = severity
        self.transaction = transaction
    }

    var wireForm: VariableMonitoring {
        VariableMonitoring(id: id, transaction: transaction, value: value, type: type, severity: severity)
    }

    func meets(_ criterion: MonitoringCriterion) -> Bool {
        switch (criterion, type) {
        case (.thresholdMonitoring, .upperThreshold), (.thresholdMonitoring, .lowerThreshold),
             (.deltaMonitoring, .delta), (.periodicMonitoring, .periodic), (.periodicMonitoring, .periodicClockAligned):
            true
        default:
            false
        }
    }
}

/// Stored as SetVariableMonitoring carried it, so the record reads like the request that made it.
extension VariableMonitor: Codable {
    public init(from decoder: any Decoder) throws {
        let data = try SetMonitoringData(from: decoder)
        self.init(
            id: data.id ?? 0, address: VariableAddress(data.component, data.variable), type: data.type,
            value: data.value, severity: data.severity, transaction: data.transaction ?? false)
    }

    public func encode(to encoder: any Encoder) throws {
        try SetMonitoringData(
            id: id, transaction: transaction, value: value, type: type, severity: severity,
            component: address.component.wireForm, variable: address.wireVariable
        ).encode(to: encoder)
    }
}

/// The monitors in force, in id order, with the monitoring base last set, and the rules of
/// SetVariableMonitoring and ClearVariableMonitoring ([N03], [N04], [N06]). Bounded, so that a CSMS cannot
/// make the station hold monitors without end. Stored as one record: the CSMS changes it a few monitors at a time.
public struct VariableMonitors: Sendable, Equatable, Codable {
    static let capacity = 1000
    /// The longest period: a year, well within what a clock counts.
    static let longestPeriod: Double = 366 * 86_400
    static let severities = 0...9

    public private(set) var all: [VariableMonitor]
    /// `MonitoringCtrlr.ActiveMonitoringBase`, as SetMonitoringBase last set it.
    public internal(set) var base: MonitoringBase

    public init(_ monitors: [VariableMonitor] = [], base: MonitoringBase = .all) {
        all = monitors.sorted { $0.id < $1.id }
        self.base = base
    }

    var isEmpty: Bool { all.isEmpty }

    /// Why an element of SetVariableMonitoring is refused, with the statusInfo reason it is answered with.
    enum Refusal: Error, Equatable {
        case unknownComponent
        case unknownVariable
        /// A threshold or a delta on a variable that is not a number [N04.FR.14].
        case unsupportedMonitorType
        case rejected(reason: String, detail: String)
        /// The variable has a monitor of this type and severity under another id [N04.FR.16].
        case duplicate(of: Int)
    }

    /// Adds a monitor or replaces the one with its id; the monitor as stored, with its id.
    mutating func set(_ data: SetMonitoringData, descriptor: VariableDescriptor?, componentKnown: Bool)
        -> Result<VariableMonitor, Refusal>
    {
        guard let descriptor else { return .failure(componentKnown ? .unknownVariable : .unknownComponent) }
        if let refusal = Self.refusal(of: data, on: descriptor) { return .failure(refusal) }
        let address = descriptor.address
        if let id = data.id {
            guard let index = all.firstIndex(where: { $0.id == id }) else {
                return .failure(.rejected(reason: "UnknownId", detail: "no monitor has id \(id)"))
            }
            guard all[index].address.key == address.key else {
                return .failure(.rejected(reason: "OtherVariable", detail: "monitor \(id) watches another variable"))
            }
        }
        if let other = all.first(where: {
            $0.address.key == address.key && $0.type == data.type && $0.severity == data.severity && $0.id != data.id
        }) {
            return .failure(.duplicate(of: other.id))
        }
        if data.id == nil, all.count >= Self.capacity {
            return .failure(.rejected(reason: "TooManyMonitors", detail: "the station holds \(Self.capacity) monitors at most"))
        }
        let id = data.id ?? ((all.last?.id ?? 0) + 1)
        let monitor = VariableMonitor(
            id: id, address: address, type: data.type, value: data.value, severity: data.severity,
            transaction: data.transaction ?? false)
        all.removeAll { $0.id == id }
        all.insert(monitor, at: all.firstIndex { $0.id > id } ?? all.endIndex)
        return .success(monitor)
    }

    /// What no variable admits, and what this variable's type and limits do not [N04.FR.03–18].
    private static func refusal(of data: SetMonitoringData, on descriptor: VariableDescriptor) -> Refusal? {
        guard severities.contains(data.severity) else {
            return .rejected(reason: "InvalidSeverity", detail: "severity is 0 to 9")
        }
        if let id = data.id, id < 1 { return .rejected(reason: "InvalidId", detail: "monitor ids start at 1") }
        let numeric = descriptor.type.isNumeric
        switch data.type {
        case .upperThreshold, .lowerThreshold:
            guard numeric else { return .unsupportedMonitorType }
            if let minimum = descriptor.type.minimumLimit, data.value < minimum {
                return .rejected(reason: "ValueOutOfRange", detail: "below the variable's minLimit \(decimalText(minimum))")
            }
            if let maximum = descriptor.type.maximumLimit, data.value > maximum {
                return .rejected(reason: "ValueOutOfRange", detail: "above the variable's maxLimit \(decimalText(maximum))")
            }
        case .delta:
            guard data.value >= 0 else { return .rejected(reason: "ValueOutOfRange", detail: "a delta is not negative") }
        case .periodic, .periodicClockAligned:
            guard data.value >= 1, data.value <= longestPeriod else {
                return .rejected(reason: "ValueOutOfRange", detail: "a period is 1 s to a year")
            }
        }
        return nil
    }

    /// ClearVariableMonitoring's answer for one id; every monitor here is a custom one, so none is refused.
    mutating func clear(id: Int) -> ClearMonitoringStatus {
        guard let index = all.firstIndex(where: { $0.id == id }) else { return .notFound }
        all.remove(at: index)
        return .accepted
    }

    /// [N03]: All keeps the custom monitors; FactoryDefault and HardWiredOnly remove them, and leave none, since
    /// the station has neither preconfigured nor hard-wired ones.
    mutating func setBase(_ base: MonitoringBase) {
        self.base = base
        if base != .all { all.removeAll() }
    }
}

extension ValueType {
    var isNumeric: Bool {
        switch self {
        case .integer, .decimal: true
        default: false
        }
    }
}
