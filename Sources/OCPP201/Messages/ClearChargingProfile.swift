/// [SCH] ClearChargingProfileRequest: the profile with `chargingProfileId`, else every profile matching all the
/// criteria given [K10].
public struct ClearChargingProfileRequest: OCPPRequest, Equatable {
    public typealias Response = ClearChargingProfileResponse
    public static let action = Action.clearChargingProfile
    public var chargingProfileId: Int?
    public var chargingProfileCriteria: ClearChargingProfileCriteria?

    public init(chargingProfileId: Int? = nil, chargingProfileCriteria: ClearChargingProfileCriteria? = nil) {
        self.chargingProfileId = chargingProfileId
        self.chargingProfileCriteria = chargingProfileCriteria
    }
}

/// [SCH] ClearChargingProfileType: the criteria, AND-ed; an absent one matches every profile.
public struct ClearChargingProfileCriteria: Codable, Sendable, Equatable, CustomDataExtensible {
    public var evseId: Int?
    public var chargingProfilePurpose: ChargingProfilePurpose?
    public var stackLevel: Int?

    public init(evseId: Int? = nil, chargingProfilePurpose: ChargingProfilePurpose? = nil, stackLevel: Int? = nil) {
        self.evseId = evseId
        self.chargingProfilePurpose = chargingProfilePurpose
        self.stackLevel = stackLevel
    }
}

public struct ClearChargingProfileResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: ClearChargingProfileStatus
    public var statusInfo: StatusInfo?

    public init(status: ClearChargingProfileStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
