/// [SCH] ReservationStatusUpdateRequest: a reservation ended without being used, by expiry or because the
/// station removed it [H01.FR.16/17, H04.FR.01].
public struct ReservationStatusUpdateRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.reservationStatusUpdate
    public var reservationId: Int
    public var reservationUpdateStatus: ReservationUpdateStatus

    public init(reservationId: Int, reservationUpdateStatus: ReservationUpdateStatus) {
        self.reservationId = reservationId
        self.reservationUpdateStatus = reservationUpdateStatus
    }
}
