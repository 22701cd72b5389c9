public struct CancelReservationRequest: OCPPRequest, Equatable {
    public typealias Response = CancelReservationResponse
    public static let action = Action.cancelReservation
    public var reservationId: Int
}

public struct CancelReservationResponse: Codable, Sendable, Equatable {
    public var status: AcceptedRejected
    public init(status: AcceptedRejected) { self.status = status }
}
