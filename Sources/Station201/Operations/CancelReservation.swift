import OCPP201

extension StationEngine {
    /// [H02]: a known reservation ends and its connectors show Available again [ERR H02.FR.03–06]; an unknown
    /// id is Rejected [H02.FR.01]. No ReservationStatusUpdate: the CSMS asked for it [H02 remark].
    mutating func cancelReservation(_ request: CancelReservationRequest) -> CancelReservationResponse {
        guard reservations.remove(id: request.reservationId) != nil else {
            return CancelReservationResponse(status: .rejected)
        }
        logger.info("reservation \(request.reservationId) cancelled")
        persist(.reservationRemoved(request.reservationId))
        return CancelReservationResponse(status: .accepted)
    }
}
