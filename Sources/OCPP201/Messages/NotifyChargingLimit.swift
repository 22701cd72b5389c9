/// [SCH] NotifyChargingLimitRequest: an external system (not the CSMS) set a limit on EVSE `evseId` (absent:
/// the whole station) [K12].
public struct NotifyChargingLimitRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.notifyChargingLimit
    public var chargingSchedule: [ChargingSchedule]?
    public var evseId: Int?
    public var chargingLimit: ChargingLimit

    public init(chargingSchedule: [ChargingSchedule]? = nil, evseId: Int? = nil, chargingLimit: ChargingLimit) {
        self.chargingSchedule = chargingSchedule
        self.evseId = evseId
        self.chargingLimit = chargingLimit
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        chargingSchedule = try container.decodeItemsIfPresent([ChargingSchedule].self, forKey: .chargingSchedule)
        evseId = try container.decodeIfPresent(Int.self, forKey: .evseId)
        chargingLimit = try container.decode(ChargingLimit.self, forKey: .chargingLimit)
    }
}

/// [SCH] ChargingLimitType: who set the limit, and whether the grid depends on it.
public struct ChargingLimit: Codable, Sendable, Equatable, CustomDataExtensible {
    public var chargingLimitSource: ChargingLimitSource
    public var isGridCritical: Bool?

    public init(chargingLimitSource: ChargingLimitSource, isGridCritical: Bool? = nil) {
        self.chargingLimitSource = chargingLimitSource
        self.isGridCritical = isGridCritical
    }
}
