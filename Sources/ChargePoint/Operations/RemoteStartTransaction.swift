import EngineSupport
import OCPP16

extension ChargePointEngine {
    /// Accepted only when the start will really be attempted ([CORE] §5.11): the connector exists, is free and
    /// operative. The transaction begins at once when the cable is in and no authorization is needed;
    /// otherwise the connector waits in Preparing for ConnectionTimeOut seconds.
    mutating func remoteStart(_ request: RemoteStartTransactionRequest) -> RemoteStartTransactionResponse {
        guard registration == .accepted else { return RemoteStartTransactionResponse(status: .rejected) }
        // A connector reserved for another driver is not free for this one; only when a reservation names a
        // parent tag does the authorization (which tells the parent) have to decide.
        let candidates = connectors.indices.filter { index in
            let connector = connectors[index]
            let reservation = connector.reservation ?? station.reservation
            let parentDecides = reservation?.parentIdTag != nil
            return connector.isFree && (parentDecides || reservationAdmits(request.idTag, parent: nil, connectorIndex: index))
        }
        let index: Int?
        if let connectorId = request.connectorId {
            index = candidates.first { connectors[$0].id == connectorId }
        } else {
            // The connector reserved for this driver, or the one with a cable waiting, is the one meant.
            index = candidates.first { connectors[$0].reservation?.admits(request.idTag, parent: nil) == true }
                ?? candidates.first { connectors[$0].plugged } ?? candidates.first
        }
        guard let index else {
            logger.info("RemoteStartTransaction rejected: no free connector \(request.connectorId.map(String.init) ?? "")")
            return RemoteStartTransactionResponse(status: .rejected)
        }
        // An embedded profile must be a TxProfile that would be accepted for the new transaction ([CORE] §5.11).
        if let profile = request.chargingProfile,
            case .rejected(let refusal) = chargingProfiles.checkForRemoteStart(profile, on: connectors[index].id, context: installContext)
        {
            logger.info("RemoteStartTransaction rejected: its charging profile is not acceptable (\(refusal))")
            return RemoteStartTransactionResponse(status: .rejected)
        }
        connectors[index].pendingStart = PendingStart(
            idTag: request.idTag, origin: .remote, authorized: false, chargingProfile: request.chargingProfile,
            expiresAt: now.uptime + .seconds(configuration.integer(.connectionTimeOut)))
        if configuration.bool(.authorizeRemoteTxRequests) {
            authorizeStart(connectorIndex: index)
        } else {
            startAuthorized(connectorIndex: index, parent: nil)
        }
        return RemoteStartTransactionResponse(status: .accepted)
    }
}
