public struct ClearChargingProfileRequest: OCPPRequest, Equatable {
    public typealias Response = ClearChargingProfileResponse
    public static let action = Action.clearChargingProfile
    public var id: Int?
    public var connectorId: Int?
    public var chargingProfilePurpose: ChargingProfilePurpose?
    public var stackLevel: Int?
}

public struct ClearChargingProfileResponse: Codable, Sendable, Equatable {
    public var status: ClearChargingProfileStatus
    public init(status: ClearChargingProfileStatus) { self.status = status }
}
