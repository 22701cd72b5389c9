/// [SCH] GetChargingProfilesRequest: the installed profiles matching `chargingProfile` on `evseId` (0: the
/// station's own, absent: every EVSE), reported in ReportChargingProfiles with the same `requestId` [K09].
public struct GetChargingProfilesRequest: OCPPRequest, Equatable {
    public typealias Response = GetChargingProfilesResponse
    public static let action = Action.getChargingProfiles
    public var requestId: Int
    public var evseId: Int?
    public var chargingProfile: ChargingProfileCriterion

    public init(requestId: Int, evseId: Int? = nil, chargingProfile: ChargingProfileCriterion) {
        self.requestId = requestId
        self.evseId = evseId
        self.chargingProfile = chargingProfile
    }
}

/// [SCH] ChargingProfileCriterionType: every criterion given must match; `chargingProfileId` and
/// `chargingLimitSource` match any of the listed values.
public struct ChargingProfileCriterion: Codable, Sendable, Equatable, CustomDataExtensible {
    public var chargingProfilePurpose: ChargingProfilePurpose?
    public var stackLevel: Int?
    public var chargingProfileId: [Int]?
    /// At most 4 ([SCH] `maxItems`).
    public var chargingLimitSource: [ChargingLimitSource]?

    public init(
        chargingProfilePurpose: ChargingProfilePurpose? = nil, stackLevel: Int? = nil, chargingProfileId: [Int]? = nil,
        chargingLimitSource: [ChargingLimitSource]? = nil
    ) {
        self.chargingProfilePurpose = chargingProfilePurpose
        self.stackLevel = stackLevel
        self.chargingProfileId = chargingProfileId
        self.chargingLimitSource = chargingLimitSource
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        chargingProfilePurpose = try container.decodeIfPresent(ChargingProfilePurpose.self, forKey: .chargingProfilePurpose)
        stackLevel = try container.decodeIfPresent(Int.self, forKey: .stackLevel)
        chargingProfileId = try container.decodeItemsIfPresent([Int].self, forKey: .chargingProfileId)
        chargingLimitSource = try container.decodeItemsIfPresent(
            [ChargingLimitSource].self, forKey: .chargingLimitSource, atMost: 4)
    }
}

public struct GetChargingProfilesResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: GetChargingProfileStatus
    public var statusInfo: StatusInfo?

    public init(status: GetChargingProfileStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
