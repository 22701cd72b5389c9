public struct ChangeAvailabilityRequest: OCPPRequest, Equatable {
    public typealias Response = ChangeAvailabilityResponse
    public static let action = Action.changeAvailability
    public var connectorId: Int
    public var type: AvailabilityType
}

public struct ChangeAvailabilityResponse: Codable, Sendable, Equatable {
    public var status: AvailabilityStatus
    public init(status: AvailabilityStatus) { self.status = status }
}
