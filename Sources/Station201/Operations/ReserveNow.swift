import OCPP201

extension StationEngine {
    /// [H01]: Rejected while ReservationCtrlr.Enabled is false [H01.FR.01], for an expiryDateTime already
    /// past, an unknown EVSE, a plug the EVSE (or, for any EVSE, the station) does not have, and without
    /// `evseId` unless NonEvseSpecific [H01.FR.19]; otherwise as the EVSEs allow (`Reservations.admission`).
    /// The same id replaces its reservation once the new one is Accepted; a refused one leaves it in force.
    mutating func reserveNow(_ request: ReserveNowRequest) -> ReserveNowResponse {
        guard deviceModel.boolean(StandardVariables.reservationEnabled) else { return Self.rejected("NotEnabled") }
        guard request.expiryDateTime > now.wallClock else { return Self.rejected("InvalidValue") }
        let candidate = Reservation(
            id: request.id, expiryDateTime: request.expiryDateTime, idToken: request.idToken,
            groupIdToken: request.groupIdToken, evseId: request.evseId, connectorType: request.connectorType)
        let evses = reservableEVSEs
        if let evseId = request.evseId {
            guard let evse = evses.first(where: { $0.id == evseId }) else { return Self.rejected("UnknownEvse") }
            guard candidate.fits(connectorType: evse.connectorType) else { return Self.rejected("UnknownConnectorType") }
        } else {
            guard deviceModel.boolean(StandardVariables.reservationNonEvseSpecific) else {
                return Self.rejected("MissingParam")
            }
            guard evses.contains(where: { candidate.fits(connectorType: $0.connectorType) }) else {
                return Self.rejected("UnknownConnectorType")
            }
        }
        let status = reservations.without(id: request.id).admission(of: candidate, on: evses)
        guard status == .accepted else { return ReserveNowResponse(status: status) }
        reservations.place(candidate)
        persist(.reservation(candidate))
        let place = candidate.evseId.map { "EVSE \($0)" } ?? "any EVSE"
        logger.info("reservation \(candidate.id) on \(place) until \(candidate.expiryDateTime)")
        return ReserveNowResponse(status: .accepted)
    }

    private static func rejected(_ reasonCode: CiString<20>) -> ReserveNowResponse {
        ReserveNowResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: reasonCode))
    }
}
