import OCPP201

extension StationEngine {
    /// [E14]: no transaction runs on this station yet and no transaction message waits, whichever id is
    /// asked about; `ongoingIndicator` only when one is [E14.FR.01–08].
    mutating func getTransactionStatus(_ request: GetTransactionStatusRequest) -> GetTransactionStatusResponse {
        GetTransactionStatusResponse(ongoingIndicator: request.transactionId == nil ? nil : false, messagesInQueue: false)
    }
}
