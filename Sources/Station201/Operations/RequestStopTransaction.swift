import OCPP201

extension StationEngine {
    /// [F03]: Accepted for a transaction that runs here, which then ends as the stop points say (Ended
    /// {RemoteStop, Remote}, or an Updated and the end later) [F03.FR.02/03]; Rejected otherwise [F03.FR.07/08].
    mutating func requestStopTransaction(_ request: RequestStopTransactionRequest) -> RequestStopTransactionResponse {
        guard let index = evses.firstIndex(where: { $0.transaction?.id == request.transactionId.value }) else {
            return RequestStopTransactionResponse(status: .rejected)
        }
        if evses[index].transaction?.authorized == true {
            endAuthorization(index, .remoteStop)
        } else {
            end(index, .remoteStop)
        }
        return RequestStopTransactionResponse(status: .accepted)
    }
}
