/// Charging profiles as the CSMS sends them ([SCH] ChargingProfileType and the types inside it), decoded in full
/// so smart charging can use them; RequestStartTransaction carries one today. Counts and the one numeric minimum
/// the schema states (`ePriceLevel` ≥ 0) are checked on decoding; the specification's other bounds (stack level,
/// phases) are business rules for the code that installs a profile.

/// [SCH] ChargingProfileType.
public struct ChargingProfile: Codable, Sendable, Equatable, CustomDataExtensible {
    public var id: Int
    public var stackLevel: Int
    public var chargingProfilePurpose: ChargingProfilePurpose
    public var chargingProfileKind: ChargingProfileKind
    public var recurrencyKind: RecurrencyKind?
    public var validFrom: Timestamp?
    public var validTo: Timestamp?
    /// One to three schedules; more than one only for ISO 15118 negotiation.
    public var chargingSchedule: [ChargingSchedule]
    /// Required for a TxProfile set by SetChargingProfile, absent in RequestStartTransaction [F01.FR.09–11].
    public var transactionId: CiString<36>?

    public init(
        id: Int, stackLevel: Int, chargingProfilePurpose: ChargingProfilePurpose,
        chargingProfileKind: ChargingProfileKind, recurrencyKind: RecurrencyKind? = nil, validFrom: Timestamp? = nil,
        validTo: Timestamp? = nil, chargingSchedule: [ChargingSchedule], transactionId: CiString<36>? = nil
    ) {
        self.id = id
        self.stackLevel = stackLevel
        self.chargingProfilePurpose = chargingProfilePurpose
        self.chargingProfileKind = chargingProfileKind
        self.recurrencyKind = recurrencyKind
        self.validFrom = validFrom
        self.validTo = validTo
        self.chargingSchedule = chargingSchedule
        self.transactionId = transactionId
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        stackLevel = try container.decode(Int.self, forKey: .stackLevel)
        chargingProfilePurpose = try container.decode(ChargingProfilePurpose.self, forKey: .chargingProfilePurpose)
        chargingProfileKind = try container.decode(ChargingProfileKind.self, forKey: .chargingProfileKind)
        recurrencyKind = try container.decodeIfPresent(RecurrencyKind.self, forKey: .recurrencyKind)
        validFrom = try container.decodeIfPresent(Timestamp.self, forKey: .validFrom)
        validTo = try container.decodeIfPresent(Timestamp.self, forKey: .validTo)
        chargingSchedule = try container.decodeItems([ChargingSchedule].self, forKey: .chargingSchedule, atMost: 3)
        transactionId = try container.decodeIfPresent(CiString<36>.self, forKey: .transactionId)
    }
}

/// [SCH] ChargingScheduleType.
public struct ChargingSchedule: Codable, Sendable, Equatable, CustomDataExtensible {
    public var id: Int
    public var startSchedule: Timestamp?
    /// Seconds; absent means the last period continues indefinitely.
    public var duration: Int?
    public var chargingRateUnit: ChargingRateUnit
    public var chargingSchedulePeriod: [ChargingSchedulePeriod]
    public var minChargingRate: Double?
    public var salesTariff: SalesTariff?

    public init(
        id: Int, startSchedule: Timestamp? = nil, duration: Int? = nil, chargingRateUnit: ChargingRateUnit,
        chargingSchedulePeriod: [ChargingSchedulePeriod], minChargingRate: Double? = nil,
        salesTariff: SalesTariff? = nil
    ) {
        self.id = id
        self.startSchedule = startSchedule
        self.duration = duration
        self.chargingRateUnit = chargingRateUnit
        self.chargingSchedulePeriod = chargingSchedulePeriod
        self.minChargingRate = minChargingRate
        self.salesTariff = salesTariff
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        startSchedule = try container.decodeIfPresent(Timestamp.self, forKey: .startSchedule)
        duration = try container.decodeIfPresent(Int.self, forKey: .duration)
        chargingRateUnit = try container.decode(ChargingRateUnit.self, forKey: .chargingRateUnit)
        chargingSchedulePeriod = try container.decodeItems(
            [ChargingSchedulePeriod].self, forKey: .chargingSchedulePeriod, atMost: 1024)
        minChargingRate = try container.decodeIfPresent(Double.self, forKey: .minChargingRate)
        salesTariff = try container.decodeIfPresent(SalesTariff.self, forKey: .salesTariff)
    }
}

/// [SCH] ChargingSchedulePeriodType. `limit` is in the schedule's rate unit; `phaseToUse` only applies when
/// `numberPhases` is 1.
public struct ChargingSchedulePeriod: Codable, Sendable, Equatable, CustomDataExtensible {
    /// Seconds from the schedule's start.
    public var startPeriod: Int
    public var limit: Double
    public var numberPhases: Int?
    public var phaseToUse: Int?

    public init(startPeriod: Int, limit: Double, numberPhases: Int? = nil, phaseToUse: Int? = nil) {
        self.startPeriod = startPeriod
        self.limit = limit
        self.numberPhases = numberPhases
        self.phaseToUse = phaseToUse
    }
}

/// [SCH] SalesTariffType: an ISO 15118 tariff the station passes on to the EV.
public struct SalesTariff: Codable, Sendable, Equatable, CustomDataExtensible {
    public var id: Int
    public var salesTariffDescription: CiString<32>?
    public var numEPriceLevels: Int?
    public var salesTariffEntry: [SalesTariffEntry]

    public init(
        id: Int, salesTariffDescription: CiString<32>? = nil, numEPriceLevels: Int? = nil,
        salesTariffEntry: [SalesTariffEntry]
    ) {
        self.id = id
        self.salesTariffDescription = salesTariffDescription
        self.numEPriceLevels = numEPriceLevels
        self.salesTariffEntry = salesTariffEntry
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        salesTariffDescription = try container.decodeIfPresent(CiString<32>.self, forKey: .salesTariffDescription)
        numEPriceLevels = try container.decodeIfPresent(Int.self, forKey: .numEPriceLevels)
        salesTariffEntry = try container.decodeItems([SalesTariffEntry].self, forKey: .salesTariffEntry, atMost: 1024)
    }
}

/// [SCH] SalesTariffEntryType.
public struct SalesTariffEntry: Codable, Sendable, Equatable, CustomDataExtensible {
    public var relativeTimeInterval: RelativeTimeInterval
    /// At least 0 ([SCH] `minimum: 0`).
    public var ePriceLevel: Int?
    public var consumptionCost: [ConsumptionCost]?

    public init(
        relativeTimeInterval: RelativeTimeInterval, ePriceLevel: Int? = nil, consumptionCost: [ConsumptionCost]? = nil
    ) {
        self.relativeTimeInterval = relativeTimeInterval
        self.ePriceLevel = ePriceLevel
        self.consumptionCost = consumptionCost
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        relativeTimeInterval = try container.decode(RelativeTimeInterval.self, forKey: .relativeTimeInterval)
        ePriceLevel = try container.decodeIfPresent(Int.self, forKey: .ePriceLevel)
        consumptionCost = try container.decodeItemsIfPresent(
            [ConsumptionCost].self, forKey: .consumptionCost, atMost: 3)
        if let ePriceLevel, ePriceLevel < 0 {
            throw container.payloadError(
                .invalidValue, forKey: .ePriceLevel, "is \(ePriceLevel), at least 0 is allowed")
        }
    }
}

/// [SCH] RelativeTimeIntervalType: seconds from the schedule's start.
public struct RelativeTimeInterval: Codable, Sendable, Equatable, CustomDataExtensible {
    public var start: Int
    public var duration: Int?

    public init(start: Int, duration: Int? = nil) {
        self.start = start
        self.duration = duration
    }
}

/// [SCH] ConsumptionCostType: the costs that apply from `startValue` on.
public struct ConsumptionCost: Codable, Sendable, Equatable, CustomDataExtensible {
    public var startValue: Double
    public var cost: [Cost]

    public init(startValue: Double, cost: [Cost]) {
        self.startValue = startValue
        self.cost = cost
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        startValue = try container.decode(Double.self, forKey: .startValue)
        cost = try container.decodeItems([Cost].self, forKey: .cost, atMost: 3)
    }
}

/// [SCH] CostType: `amount` × 10^`amountMultiplier`.
public struct Cost: Codable, Sendable, Equatable, CustomDataExtensible {
    public var costKind: CostKind
    public var amount: Int
    public var amountMultiplier: Int?

    public init(costKind: CostKind, amount: Int, amountMultiplier: Int? = nil) {
        self.costKind = costKind
        self.amount = amount
        self.amountMultiplier = amountMultiplier
    }
}
