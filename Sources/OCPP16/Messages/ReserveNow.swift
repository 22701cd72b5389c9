public struct ReserveNowRequest: OCPPRequest, Equatable {
    public typealias Response = ReserveNowResponse
    public static let action = Action.reserveNow
    public var connectorId: Int
    public var expiryDate: Timestamp
    public var idTag: IdToken
    public var parentIdTag: IdToken?
    public var reservationId: Int
}

public struct ReserveNowResponse: Codable, Sendable, Equatable {
    public var status: ReservationStatus
    public init(status: ReservationStatus) { self.status = status }
}
