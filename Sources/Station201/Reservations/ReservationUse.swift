import OCPP201

/// Where reservations meet the rest of the station: the EVSEs as reservations see them, the tokens presented
/// at a held EVSE, and the reservations that end without being used (expired, or removed because their EVSE
/// can no longer serve them), each told to the CSMS with a ReservationStatusUpdate after the StatusNotification
/// that frees the connector [H04 scenario, TC_H_21_CS].
extension StationEngine {
    var reservableEVSEs: [ReservableEVSE] {
        evses.indices.map { index in
            ReservableEVSE(
                id: evses[index].id, connectorType: deviceModel.text(StandardVariables.connectorType(evseId: evses[index].id)),
                status: unreservedStatus(index), open: hostsNewSession(index))
        }
    }

    /// Operative, not faulted, and no authorization holds it: a transaction the cable started without a token
    /// leaves it to the reservation that holds it [ERR H03 S1, scenario #2], and so does a token still waiting
    /// for the CSMS's answer, which is checked against the reservations again when it comes.
    private func hostsNewSession(_ index: Int) -> Bool {
        let evse = evses[index]
        return availability.admitsNewSession(evseId: evse.id) && evse.fault == nil && evse.pending?.authorized != true
            && evse.transaction?.authorized != true
    }

    /// What `token` may do at EVSE `index`; `groupKnown`: `group` is the token's group as the local list, the
    /// cache, the CSMS or the request said it (nil: it has none).
    func reservationVerdict(_ index: Int, _ token: IdToken, group: IdToken?, groupKnown: Bool) -> ReservationVerdict {
        guard !reservations.isEmpty else { return .free }
        let evses = reservableEVSEs
        return reservations.verdict(for: token, group: group, groupKnown: groupKnown, at: evses[index], among: evses)
    }

    /// A reservation its token claimed at authorization is used up [H03.FR.09]; the connector shows Available
    /// or Occupied again [H03.FR.10] and the transaction's next event carries its id [H01.FR.15].
    mutating func consumeReservation(_ id: Int) {
        guard reservations.remove(id: id) != nil else { return }
        logger.info("reservation \(id) used")
        persist(.reservationRemoved(id))
    }

    mutating func expireReservations() {
        endUnused(reservations.takeExpired(at: now.wallClock), .expired)
    }

    /// After every input: an EVSE that turned Faulted or Unavailable ends the reservations it can no longer
    /// honour [H01.FR.16/17].
    mutating func releaseUnusableReservations() {
        guard !reservations.isEmpty else { return }
        endUnused(reservations.takeUnusable(reservableEVSEs), .removed)
    }

    private mutating func endUnused(_ reservations: [Reservation], _ status: ReservationUpdateStatus) {
        guard !reservations.isEmpty else { return }
        for reservation in reservations {
            logger.info("reservation \(reservation.id) ended: \(status.rawValue)")
            persist(.reservationRemoved(reservation.id))
        }
        reportStatusChanges()
        for reservation in reservations {
            outbox.enqueue(
                ReservationStatusUpdateRequest(reservationId: reservation.id, reservationUpdateStatus: status),
                purpose: .informational)
        }
    }
}
