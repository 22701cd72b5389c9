import OCPP16

extension ChargePointEngine {
    /// Releases the cable lock; a running transaction is stopped first with UnlockCommand ([CORE] §5.18).
    /// An unknown connector is NotSupported ([ERR] 3.85).
    mutating func unlockConnector(_ request: UnlockConnectorRequest) -> UnlockConnectorResponse {
        UnlockConnectorResponse(status: unlock(connectorId: request.connectorId))
    }

    mutating func unlock(connectorId: Int) -> UnlockStatus {
        guard let index = connectors.firstIndex(where: { $0.id == connectorId }) else { return .notSupported }
        if let localId = connectors[index].transactionLocalId {
            stopTransaction(localId: localId, reason: .unlockCommand, idTag: nil)
        }
        logger.info("connector \(connectorId) unlocked")
        return .unlocked
    }
}
