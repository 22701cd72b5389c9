import OCPP201

extension StationEngine {
    /// [I03]: the running cost of a transaction, kept with it and shown. The answer is empty whatever the id:
    /// the schema gives no way to say a transaction is unknown, so one that is not here changes nothing.
    mutating func costUpdated(_ request: CostUpdatedRequest) -> EmptyResponse {
        amendTransaction(request.transactionId.value) { $0.totalCost = request.totalCost }
        return EmptyResponse()
    }

    /// What an answer to one of the transaction's events tells its driver [I01, I02, I05, I06]: the total
    /// cost (on Ended, the final one), the tariff in the token's idTokenInfo, an updated personal message.
    mutating func noteCost(of transactionId: String, _ response: TransactionEventResponse, ended: Bool) {
        let message = response.updatedPersonalMessage ?? response.idTokenInfo?.personalMessage
        guard response.totalCost != nil || message != nil else { return }
        amendTransaction(transactionId) { record in
            if let totalCost = response.totalCost {
                record.totalCost = totalCost
                if ended { record.totalCostIsFinal = true }
            }
            if let message { record.personalMessage = message.content.value }
        }
    }

    /// Changes an ongoing or recent transaction's record, persists it and shows it.
    private mutating func amendTransaction(_ id: String, _ change: (inout TransactionRecord) -> Void) {
        if let index = evses.firstIndex(where: { $0.transaction?.id == id }), var record = evses[index].transaction {
            change(&record)
            evses[index].transaction = record
            persist(.transaction(record))
        } else if let index = recentTransactions.lastIndex(where: { $0.id == id }) {
            change(&recentTransactions[index])
            persist(.transaction(recentTransactions[index]))
        } else {
            return
        }
        if let snapshot = transactionSnapshot(id) { publish(.transaction(.costUpdated, snapshot)) }
    }
}
