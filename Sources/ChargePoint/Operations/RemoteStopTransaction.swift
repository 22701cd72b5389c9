import OCPP16

extension ChargePointEngine {
    /// Accepted only if that transaction runs here; it then stops as a local stop would, reason Remote.
    mutating func remoteStop(_ request: RemoteStopTransactionRequest) -> RemoteStopTransactionResponse {
        guard let record = transactions.values.first(where: { $0.isActive && $0.transactionId == request.transactionId })
        else { return RemoteStopTransactionResponse(status: .rejected) }
        stopTransaction(localId: record.localId, reason: .remote, idTag: nil)
        return RemoteStopTransactionResponse(status: .accepted)
    }
}
