import OCPP16

extension ChargePointEngine {
    /// ReserveNow ([CORE] §5.13): the same reservationId replaces the reservation it names; connector 0 is
    /// "any connector" when ReserveConnectorZeroSupported, and then one free connector is kept for it.
    mutating func reserveNow(_ request: ReserveNowRequest) -> ReserveNowResponse {
        let reservation = Reservation(
            id: request.reservationId, idTag: request.idTag, parentIdTag: request.parentIdTag,
            expiryDate: request.expiryDate)
        let status = reserve(reservation, connectorId: request.connectorId)
        if status == .accepted {
            logger.info("reservation \(reservation.id) on connector \(request.connectorId) for \(reservation.idTag)")
        }
        return ReserveNowResponse(status: status)
    }

    private mutating func reserve(_ reservation: Reservation, connectorId: Int) -> ReservationStatus {
        guard reservation.expiryDate > now.wallClock else { return .rejected }
        if connectorId == 0 {
            guard configuration.bool(.reserveConnectorZeroSupported) else { return .rejected }
            guard station.operative else { return .unavailable }
            guard station.reservation == nil || station.reservation?.id == reservation.id else { return .occupied }
            endReservation(id: reservation.id)
            guard connectors.contains(where: \.isOpenToAnyone) else { return .occupied }
            station.reservation = reservation
            persist(.saveStation(station))
            return .accepted
        }
        guard let index = connectors.firstIndex(where: { $0.id == connectorId }) else { return .rejected }
        let connector = connectors[index]
        if connector.isFaulted { return .faulted }
        if !connector.operative { return .unavailable }
        let takenByAnother = connector.reservation.map { $0.id != reservation.id } ?? false
        if connector.isBusy || connector.plugged || takenByAnother { return .occupied }
        endReservation(id: reservation.id)
        connectors[index].reservation = reservation
        persist(.saveConnector(connectors[index].record))
        return .accepted
    }

    mutating func cancelReservation(_ request: CancelReservationRequest) -> CancelReservationResponse {
        CancelReservationResponse(status: endReservation(id: request.reservationId) ? .accepted : .rejected)
    }

    /// Ends the reservation with this id wherever it is; false when there is none.
    @discardableResult
    mutating func endReservation(id: Int) -> Bool {
        if station.reservation?.id == id {
            station.reservation = nil
            persist(.saveStation(station))
            return true
        }
        guard let index = connectors.firstIndex(where: { $0.reservation?.id == id }) else { return false }
        connectors[index].reservation = nil
        persist(.saveConnector(connectors[index].record))
        return true
    }

    /// Reservations whose expiryDate has passed end by themselves.
    mutating func expireReservations() {
        let reservations = [station.reservation].compactMap { $0 } + connectors.compactMap(\.reservation)
        for reservation in reservations where reservation.expiryDate <= now.wallClock {
            logger.info("reservation \(reservation.id) expired")
            endReservation(id: reservation.id)
        }
    }

    /// When the next reservation expires, on the uptime clock.
    var nextReservationExpiry: Duration? {
        var earliest = station.reservation?.expiryDate
        for connector in connectors {
            if let expiry = connector.reservation?.expiryDate, earliest.map({ expiry < $0 }) ?? true { earliest = expiry }
        }
        return earliest.map(now.uptime(at:))
    }

    /// Whether this driver may start on this connector as far as reservations go: a connector reserved for
    /// someone else is closed to them, and a reservation of connector 0 keeps one free connector back.
    func reservationAdmits(_ idTag: IdToken, parent: IdToken?, connectorIndex index: Int) -> Bool {
        if let reservation = connectors[index].reservation { return reservation.admits(idTag, parent: parent) }
        guard let stationReservation = station.reservation, !stationReservation.admits(idTag, parent: parent) else {
            return true
        }
        return connectors.indices.contains { $0 != index && connectors[$0].isOpenToAnyone }
    }

    /// The reservation a transaction of this driver on this connector uses up, if any.
    func reservationUsed(by idTag: IdToken, parent: IdToken?, connectorIndex index: Int) -> Reservation? {
        if let reservation = connectors[index].reservation, reservation.admits(idTag, parent: parent) {
            return reservation
        }
        if let reservation = station.reservation, reservation.admits(idTag, parent: parent) { return reservation }
        return nil
    }
}

extension Connector {
    /// Free, unreserved and without a cable: what a connector-0 reservation can count on.
    var isOpenToAnyone: Bool { isFree && reservation == nil && !plugged }
}
