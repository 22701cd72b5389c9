public struct SetChargingProfileRequest: OCPPRequest, Equatable {
    public typealias Response = SetChargingProfileResponse
    public static let action = Action.setChargingProfile
    public var connectorId: Int
    public var csChargingProfiles: ChargingProfile
}

public struct SetChargingProfileResponse: Codable, Sendable, Equatable {
    public var status: ChargingProfileStatus
    public init(status: ChargingProfileStatus) { self.status = status }
}
