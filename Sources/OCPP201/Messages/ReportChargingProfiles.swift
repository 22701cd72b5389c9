/// [SCH] ReportChargingProfilesRequest: one part of the answer to a GetChargingProfiles: the profiles of one EVSE
/// (0: the station's) from one source, all parts but the last with `tbc` true [K09.FR.03].
public struct ReportChargingProfilesRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.reportChargingProfiles
    public var requestId: Int
    public var chargingLimitSource: ChargingLimitSource
    public var chargingProfile: [ChargingProfile]
    /// "To be continued": more parts follow. Absent means false.
    public var tbc: Bool?
    public var evseId: Int

    public init(
        requestId: Int, chargingLimitSource: ChargingLimitSource, chargingProfile: [ChargingProfile], tbc: Bool? = nil,
        evseId: Int
    ) {
        self.requestId = requestId
        self.chargingLimitSource = chargingLimitSource
        self.chargingProfile = chargingProfile
        self.tbc = tbc
        self.evseId = evseId
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requestId = try container.decode(Int.self, forKey: .requestId)
        chargingLimitSource = try container.decode(ChargingLimitSource.self, forKey: .chargingLimitSource)
        chargingProfile = try container.decodeItems([ChargingProfile].self, forKey: .chargingProfile)
        tbc = try container.decodeIfPresent(Bool.self, forKey: .tbc)
        evseId = try container.decode(Int.self, forKey: .evseId)
    }
}
