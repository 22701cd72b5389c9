import OCPP201

/// Where a component sits in the device model: its name, an optional instance, and for the EVSE and
/// connector tiers the EVSE (and connector) it belongs to ([P1] §4). Names compare case-insensitively,
/// as the specification asks; they are kept as spelled in the catalogue for reports.
public struct ComponentAddress: Sendable, Hashable {
    public var name: String
    public var instance: String?
    public var evseId: Int?
    public var connectorId: Int?

    public init(_ name: String, instance: String? = nil, evseId: Int? = nil, connectorId: Int? = nil) {
        self.name = name
        self.instance = instance
        self.evseId = evseId
        self.connectorId = connectorId
    }

    /// The form lookups use: names folded to lower case.
    var key: ComponentAddress {
        ComponentAddress(name.lowercased(), instance: instance?.lowercased(), evseId: evseId, connectorId: connectorId)
    }
}

/// One variable of one component: what GetVariables and SetVariables name.
public struct VariableAddress: Sendable, Hashable {
    public var component: ComponentAddress
    public var name: String
    public var instance: String?

    public init(_ component: ComponentAddress, _ name: String, instance: String? = nil) {
        self.component = component
        self.name = name
        self.instance = instance
    }

    var key: VariableAddress {
        VariableAddress(component.key, name.lowercased(), instance: instance?.lowercased())
    }
}

/// A variable's folded address with its hash worked out once, which is what the device model finds values
/// by: hashing the names anew at every read of a setting cost more than the rest of the read.
struct VariableKey: Hashable, Sendable {
    let folded: VariableAddress
    private let hash: Int

    init(_ address: VariableAddress) {
        folded = address.key
        hash = folded.hashValue
    }

    static func == (lhs: VariableKey, rhs: VariableKey) -> Bool {
        lhs.hash == rhs.hash && lhs.folded == rhs.folded
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(hash)
    }
}

/// What values a variable takes, with the limits that come with the type: the characteristics a report
/// shows and the checks SetVariables applies are both read from here, so they cannot disagree.
public enum ValueType: Sendable, Equatable {
    case boolean
    case integer(minimum: Int? = nil, maximum: Int? = nil)
    case decimal(minimum: Double? = nil, maximum: Double? = nil)
    /// `maximumLength` is reported as maxLimit, as [P2] prescribes for strings.
    case string(maximumLength: Int)
    case dateTime
    /// Exactly one of the values.
    case optionList([String])
    /// Any subset, in any order, without repeats.
    case memberList([String])
    /// An ordered subset without repeats, never empty: a sequence is an order of preference (TimeSource,
    /// NetworkConfigurationPriority), and an empty one leaves the station nothing to use.
    case sequenceList([String])

    public var dataType: DataEnumType {
        switch self {
        case .boolean: .boolean
        case .integer: .integer
        case .decimal: .decimal
        case .string: .string
        case .dateTime: .dateTime
        case .optionList: .optionList
        case .memberList: .memberList
        case .sequenceList: .sequenceList
        }
    }

    /// The value in its canonical wire form, or why it is not one of this type's values.
    public func canonical(_ text: String) -> Result<String, ValueRefusal> {
        switch self {
        case .boolean:
            switch text.lowercased() {
            case "true": return .success("true")
            case "false": return .success("false")
            default: return .failure(.invalidValue("expected true or false"))
            }
        case .integer(let minimum, let maximum):
            guard let value = Int32(text).map(Int.init) else {
                return .failure(.invalidValue("expected a whole number"))
            }
            if let minimum, value < minimum { return .failure(.outOfRange("at least \(minimum)")) }
            if let maximum, value > maximum { return .failure(.outOfRange("at most \(maximum)")) }
            return .success(String(value))
        case .decimal(let minimum, let maximum):
            guard let value = Double(text), value.isFinite else { return .failure(.invalidValue("expected a number")) }
            if let minimum, value < minimum { return .failure(.outOfRange("at least \(minimum)")) }
            if let maximum, value > maximum { return .failure(.outOfRange("at most \(maximum)")) }
            return .success(text)
        case .string(let maximumLength):
            guard text.utf8.count <= maximumLength else {
                return .failure(.outOfRange("at most \(maximumLength) characters"))
            }
            return .success(text)
        case .dateTime:
            guard let time = Timestamp.parse(text) else { return .failure(.invalidValue("expected an RFC 3339 time")) }
            return .success(time.description)
        case .optionList(let values):
            guard values.contains(text) else { return .failure(.invalidValue("expected one of \(values.joined(separator: ","))")) }
            return .success(text)
        case .memberList(let values), .sequenceList(let values):
            let members = text.isEmpty ? [] : text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            for member in members where !values.contains(member) {
                return .failure(.invalidValue("'\(member)' is not one of \(values.joined(separator: ","))"))
            }
            guard Set(members).count == members.count else { return .failure(.invalidValue("a member is listed twice")) }
            if case .sequenceList = self, members.isEmpty { return .failure(.invalidValue("at least one of \(values.joined(separator: ","))")) }
            return .success(text)
        }
    }

    /// minLimit as a report shows it.
    var minimumLimit: Double? {
        switch self {
        case .integer(let minimum, _): minimum.map(Double.init)
        case .decimal(let minimum, _): minimum
        default: nil
        }
    }

    /// maxLimit as a report shows it: the largest value, or for strings the longest.
    var maximumLimit: Double? {
        switch self {
        case .integer(_, let maximum): maximum.map(Double.init)
        case .decimal(_, let maximum): maximum
        case .string(let maximumLength): Double(maximumLength)
        default: nil
        }
    }

    var valuesList: [String]? {
        switch self {
        case .optionList(let values), .memberList(let values), .sequenceList(let values): values
        default: nil
        }
    }
}

/// Why a value was refused; its `reasonCode` is the one [P2A] lists for SetVariables' statusInfo.
public enum ValueRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidValue(String)
    case outOfRange(String)
    case readOnly

    public var reasonCode: String {
        switch self {
        case .invalidValue: "InvalidValue"
        case .outOfRange: "ValueOutOfRange"
        case .readOnly: "ReadOnly"
        }
    }

    public var description: String {
        switch self {
        case .invalidValue(let expected), .outOfRange(let expected): expected
        case .readOnly: "the variable is read-only"
        }
    }
}

/// Where a variable's value comes from.
public enum ValueSource: Sendable, Equatable {
    /// Kept in the device model, starting from this default; writable ones persist.
    case stored(default: String)
    /// Read from the station's state whenever asked (the clock, availability states).
    case live(LiveValue)
}

/// The variables whose value is the station's own state at the moment it is read.
public enum LiveValue: Sendable, Equatable {
    case dateTime
    /// Of the station, an EVSE or a connector: the connector status it is in (for a tier above a connector,
    /// the one that sums its connectors up).
    case availabilityState
    /// What an EVSE delivers now, in W.
    case power
    /// Whether an EVSE has a fault (the API's `POST …/fault`).
    case problem
    /// How many tokens the local authorization list holds.
    case localListEntries
    /// The network profile in use: its MessageTimeout, its slot.
    case messageTimeout
    case activeNetworkProfile
    case securityProfile
    /// How many display messages are stored.
    case displayMessages
    /// How many root certificates are installed.
    case certificateEntries
    /// How many charging profiles are installed.
    case chargingProfileEntries
    /// The monitoring base SetMonitoringBase last set.
    case monitoringBase
}

/// One variable, described once: its address, type and limits, who may write it and what a write needs.
public struct VariableDescriptor: Sendable, Equatable {
    public let address: VariableAddress
    /// Worked out once here: the engine reads its settings by descriptor on every input.
    let key: VariableKey
    public let type: ValueType
    public let mutability: Mutability
    public let unit: String?
    public let source: ValueSource
    /// SetVariables answers RebootRequired: the new value is stored but applies after the next boot.
    public let appliesAfterReboot: Bool

    public init(
        _ address: VariableAddress, _ type: ValueType, _ mutability: Mutability, unit: String? = nil,
        source: ValueSource, appliesAfterReboot: Bool = false
    ) {
        self.address = address
        key = VariableKey(address)
        self.type = type
        self.mutability = mutability
        self.unit = unit
        self.source = source
        self.appliesAfterReboot = appliesAfterReboot
    }

    /// Writable variables must persist ([P2] Referenced Components and Variables §2); read-only stored
    /// values are the station's constants.
    public var persistent: Bool { mutability != .readOnly }
    public var constant: Bool {
        guard mutability == .readOnly, case .stored = source else { return false }
        return true
    }
}
