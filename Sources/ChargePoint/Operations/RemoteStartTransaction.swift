import OCPP16

extension ChargePointEngine {
    /// Accepted only when the start will really be attempted ([CORE] §5.11): the connector exists, is free and
    /// operative. The transaction begins at once when the cable is in and no authorization is needed;
    /// otherwise the connector waits in Preparing for ConnectionTimeOut seconds.
    mutating func remoteStart(_ request: RemoteStartTransactionRequest) -> RemoteStartTransactionResponse {
        guard registration == .accepted else { return RemoteStartTransactionResponse(status: .rejected) }
        let index: Int?
        if let connectorId = request.connectorId {
            index = connectors.firstIndex { $0.id == connectorId && $0.isFree }
        } else {
            // The connector with a cable waiting is the one the driver means; else the first free one.
            index = connectors.firstIndex { $0.isFree && $0.plugged } ?? connectors.firstIndex(where: \.isFree)
        }
        guard let index else {
            logger.info("RemoteStartTransaction rejected: no free connector \(request.connectorId.map(String.init) ?? "")")
            return RemoteStartTransactionResponse(status: .rejected)
        }
        connectors[index].pendingStart = PendingStart(
            idTag: request.idTag, origin: .remote, authorized: false,
            expiresAt: now.uptime + .seconds(configuration.integer(.connectionTimeOut)))
        if configuration.bool(.authorizeRemoteTxRequests) {
            authorizeStart(connectorIndex: index)
        } else {
            startAuthorized(connectorIndex: index)
        }
        return RemoteStartTransactionResponse(status: .accepted)
    }
}
