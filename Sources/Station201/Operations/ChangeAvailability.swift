import OCPP201

extension StationEngine {
    /// [G03]/[G04]: no `evse` is the whole station, `evse.id` an EVSE, with `connectorId` one connector.
    /// Already so → Accepted [G03.FR.03]; the state is persisted and the changed connectors report it.
    mutating func changeAvailability(_ request: ChangeAvailabilityRequest) -> ChangeAvailabilityResponse {
        let target: AvailabilityTarget =
            switch (request.evse?.id, request.evse?.connectorId) {
            case (nil, _), (0?, nil): .station
            case (let evseId?, nil): .evse(evseId)
            case (let evseId?, let connectorId?): .connector(evseId: evseId, connectorId: connectorId)
            }
        guard availability.contains(target) else {
            // A connector is unknown only on an EVSE that exists; otherwise its EVSE is what is unknown.
            let evseKnown = request.evse.map { availability.contains(.evse($0.id)) } ?? true
            return ChangeAvailabilityResponse(
                status: .rejected,
                statusInfo: StatusInfo(reasonCode: evseKnown ? "UnknownConnectorId" : "UnknownEvse"))
        }
        let operative = request.operationalStatus == .operative
        if availability.set(target, operative: operative) {
            persist(.availability(target, operative: operative))
        }
        // Stored at once, so a reboot applies it; a connector with a transaction turns Unavailable when the
        // transaction ends [G03.FR.05, G04.FR.06].
        let affected = evses.filter { evse in
            switch target {
            case .station: true
            case .evse(let id), .connector(let id, _): evse.id == id
            }
        }
        let waits = !operative && affected.contains { $0.transaction != nil }
        return ChangeAvailabilityResponse(status: waits ? .scheduled : .accepted)
    }
}
