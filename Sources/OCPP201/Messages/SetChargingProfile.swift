/// [SCH] SetChargingProfileRequest: install `chargingProfile` on EVSE `evseId` (0: the whole station) [K01].
public struct SetChargingProfileRequest: OCPPRequest, Equatable {
    public typealias Response = SetChargingProfileResponse
    public static let action = Action.setChargingProfile
    public var evseId: Int
    public var chargingProfile: ChargingProfile

    public init(evseId: Int, chargingProfile: ChargingProfile) {
        self.evseId = evseId
        self.chargingProfile = chargingProfile
    }
}

public struct SetChargingProfileResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: ChargingProfileStatus
    public var statusInfo: StatusInfo?

    public init(status: ChargingProfileStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
