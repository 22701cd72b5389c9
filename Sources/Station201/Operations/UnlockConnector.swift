import OCPP201

extension StationEngine {
    /// [F05]: the simulated lock always opens. Unlike 1.6 an unlock never ends a transaction: with an
    /// authorized one running it is refused instead [F05.FR.02].
    mutating func unlockConnector(_ request: UnlockConnectorRequest) -> UnlockConnectorResponse {
        guard availability.contains(.connector(evseId: request.evseId, connectorId: request.connectorId)),
              let index = evseIndex(request.evseId)
        else { return UnlockConnectorResponse(status: .unknownConnector) }
        if evses[index].transaction?.authorized == true {
            return UnlockConnectorResponse(status: .ongoingAuthorizedTransaction)
        }
        return UnlockConnectorResponse(status: .unlocked)
    }
}
