/// [SCH] CancelReservationRequest: ends the reservation `reservationId`. The CSMS asked for it, so no
/// ReservationStatusUpdate follows [H02 remark].
public struct CancelReservationRequest: OCPPRequest, Equatable {
    public typealias Response = CancelReservationResponse
    public static let action = Action.cancelReservation
    public var reservationId: Int

    public init(reservationId: Int) {
        self.reservationId = reservationId
    }
}

public struct CancelReservationResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: CancelReservationStatus
    public var statusInfo: StatusInfo?

    public init(status: CancelReservationStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
