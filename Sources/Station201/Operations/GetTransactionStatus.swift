import OCPP201

extension StationEngine {
    /// [E14]: with an id, whether that transaction still runs and whether its events wait for delivery
    /// (both false for one the station does not know); without, whether any transaction event waits
    /// [E14.FR.01–08].
    mutating func getTransactionStatus(_ request: GetTransactionStatusRequest) -> GetTransactionStatusResponse {
        guard let id = request.transactionId?.value else {
            return GetTransactionStatusResponse(messagesInQueue: !transactionEvents.isEmpty)
        }
        return GetTransactionStatusResponse(
            ongoingIndicator: evses.contains { $0.transaction?.id == id },
            messagesInQueue: transactionEvents.contains(transaction: id))
    }
}
