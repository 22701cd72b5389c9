/// Structures shared by several 1.6 messages ([CORE] §7, [SCH]).

/// The identifier an EV driver presents (RFID UID, app token), `IdToken` in OCPP 1.6.
public typealias IdToken = CiString<20>

public struct IdTagInfo: Codable, Sendable, Equatable {
    public var status: AuthorizationStatus
    public var expiryDate: Timestamp?
    public var parentIdTag: IdToken?

    public init(status: AuthorizationStatus, expiryDate: Timestamp? = nil, parentIdTag: IdToken? = nil) {
        self.status = status
        self.expiryDate = expiryDate
        self.parentIdTag = parentIdTag
    }
}

/// One reading. `value` is a string on the wire even for numbers ([CORE] §7.43).
public struct SampledValue: Codable, Sendable, Equatable {
    public var value: String
    public var context: ReadingContext?
    public var format: ValueFormat?
    public var measurand: Measurand?
    public var phase: Phase?
    public var location: Location?
    public var unit: UnitOfMeasure?

    public init(
        value: String, context: ReadingContext? = nil, format: ValueFormat? = nil, measurand: Measurand? = nil,
        phase: Phase? = nil, location: Location? = nil, unit: UnitOfMeasure? = nil
    ) {
        self.value = value
        self.context = context
        self.format = format
        self.measurand = measurand
        self.phase = phase
        self.location = location
        self.unit = unit
    }
}

/// Readings taken at the same instant.
public struct MeterValue: Codable, Sendable, Equatable {
    public var timestamp: Timestamp
    public var sampledValue: [SampledValue]

    public init(timestamp: Timestamp, sampledValue: [SampledValue]) {
        self.timestamp = timestamp
        self.sampledValue = sampledValue
    }
}

public struct KeyValue: Codable, Sendable, Equatable {
    public var key: CiString<50>
    public var readonly: Bool
    public var value: CiString<500>?

    public init(key: CiString<50>, readonly: Bool, value: CiString<500>?) {
        self.key = key
        self.readonly = readonly
        self.value = value
    }
}

public struct ChargingSchedulePeriod: Codable, Sendable, Equatable {
    public var startPeriod: Int
    public var limit: Double
    public var numberPhases: Int?

    public init(startPeriod: Int, limit: Double, numberPhases: Int? = nil) {
        self.startPeriod = startPeriod
        self.limit = limit
        self.numberPhases = numberPhases
    }
}

public struct ChargingSchedule: Codable, Sendable, Equatable {
    public var duration: Int?
    public var startSchedule: Timestamp?
    public var chargingRateUnit: ChargingRateUnit
    public var chargingSchedulePeriod: [ChargingSchedulePeriod]
    public var minChargingRate: Double?

    public init(
        duration: Int? = nil, startSchedule: Timestamp? = nil, chargingRateUnit: ChargingRateUnit,
        chargingSchedulePeriod: [ChargingSchedulePeriod], minChargingRate: Double? = nil
    ) {
        self.duration = duration
        self.startSchedule = startSchedule
        self.chargingRateUnit = chargingRateUnit
        self.chargingSchedulePeriod = chargingSchedulePeriod
        self.minChargingRate = minChargingRate
    }

    private enum CodingKeys: String, CodingKey {
        case duration, startSchedule, chargingRateUnit, chargingSchedulePeriod, minChargingRate
    }

    /// Written by hand only to enforce the schema's `minItems: 1` on the periods.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        duration = try container.decodeIfPresent(Int.self, forKey: .duration)
        startSchedule = try container.decodeIfPresent(Timestamp.self, forKey: .startSchedule)
        chargingRateUnit = try container.decode(ChargingRateUnit.self, forKey: .chargingRateUnit)
        chargingSchedulePeriod = try container.decode([ChargingSchedulePeriod].self, forKey: .chargingSchedulePeriod)
        minChargingRate = try container.decodeIfPresent(Double.self, forKey: .minChargingRate)
        if chargingSchedulePeriod.isEmpty {
            throw decoder.payloadError(.tooFewItems, "chargingSchedulePeriod needs at least one period")
        }
    }
}

public struct ChargingProfile: Codable, Sendable, Equatable {
    public var chargingProfileId: Int
    public var transactionId: Int?
    public var stackLevel: Int
    public var chargingProfilePurpose: ChargingProfilePurpose
    public var chargingProfileKind: ChargingProfileKind
    public var recurrencyKind: RecurrencyKind?
    public var validFrom: Timestamp?
    public var validTo: Timestamp?
    public var chargingSchedule: ChargingSchedule

    public init(
        chargingProfileId: Int, transactionId: Int? = nil, stackLevel: Int,
        chargingProfilePurpose: ChargingProfilePurpose, chargingProfileKind: ChargingProfileKind,
        recurrencyKind: RecurrencyKind? = nil, validFrom: Timestamp? = nil, validTo: Timestamp? = nil,
        chargingSchedule: ChargingSchedule
    ) {
        self.chargingProfileId = chargingProfileId
        self.transactionId = transactionId
        self.stackLevel = stackLevel
        self.chargingProfilePurpose = chargingProfilePurpose
        self.chargingProfileKind = chargingProfileKind
        self.recurrencyKind = recurrencyKind
        self.validFrom = validFrom
        self.validTo = validTo
        self.chargingSchedule = chargingSchedule
    }
}

/// Identifies an installed certificate by its issuer and serial number, as OCSP's CertID does.
public struct CertificateHashData: Codable, Sendable, Equatable, Hashable {
    public var hashAlgorithm: HashAlgorithmName
    public var issuerNameHash: CiString<128>
    public var issuerKeyHash: CiString<128>
    public var serialNumber: CiString<40>

    public init(
        hashAlgorithm: HashAlgorithmName, issuerNameHash: CiString<128>, issuerKeyHash: CiString<128>,
        serialNumber: CiString<40>
    ) {
        self.hashAlgorithm = hashAlgorithm
        self.issuerNameHash = issuerNameHash
        self.issuerKeyHash = issuerKeyHash
        self.serialNumber = serialNumber
    }
}

extension SampledValue: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("value", value)
        object.member("context", context)
        object.member("format", format)
        object.member("measurand", measurand)
        object.member("phase", phase)
        object.member("location", location)
        object.member("unit", unit)
    }
}

extension MeterValue: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("timestamp", timestamp)
        object.member("sampledValue", sampledValue)
    }
}

extension KeyValue: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("key", key)
        object.member("readonly", readonly)
        object.member("value", value)
    }
}

extension IdTagInfo: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("status", status)
        object.member("expiryDate", expiryDate)
        object.member("parentIdTag", parentIdTag)
    }
}

extension IdTagInfo: JSONFastDecodable {

    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let status: AuthorizationStatus = fields.enumeration("status"),
              let expiryDate = fields.optional("expiryDate", { $0.timestamp($1) }),
              let parentIdTag = fields.optional("parentIdTag", { $0.string($1) as IdToken? }),
              fields.isFullyRead
        else { return nil }
        self.init(status: status, expiryDate: expiryDate, parentIdTag: parentIdTag)
    }
}
