import OCPP201

extension StationEngine {
    /// [O01, O02, O06]: refused while the display is disabled, then checked in the order of the requirements
    /// (priority, state, format [O01.FR.01–03], transaction [O02.FR.01]) and against the capacity, which
    /// counts the message the same id replaces and the AlwaysFront one a new AlwaysFront message displaces
    /// [O01.FR.11, O01.FR.16]. Persisted before the answer.
    mutating func setDisplayMessage(_ request: SetDisplayMessageRequest) -> SetDisplayMessageResponse {
        let message = request.message
        guard displayEnabled else {
            return SetDisplayMessageResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "NotEnabled"))
        }
        guard deviceModel.list(StandardVariables.displaySupportedPriorities).contains(message.priority.rawValue) else {
            return SetDisplayMessageResponse(status: .notSupportedPriority)
        }
        if let state = message.state,
           !deviceModel.list(StandardVariables.displaySupportedStates).contains(state.rawValue)
        {
            return SetDisplayMessageResponse(status: .notSupportedState)
        }
        guard deviceModel.list(StandardVariables.displaySupportedFormats).contains(message.message.format.rawValue) else {
            return SetDisplayMessageResponse(status: .notSupportedMessageFormat)
        }
        if let transactionId = message.transactionId, !ongoingTransactionIds.contains(transactionId.value) {
            return SetDisplayMessageResponse(status: .unknownTransaction)
        }
        // A message that could never be shown: the specification is silent; refusing says so at once.
        if let end = message.endDateTime, end <= max(now.wallClock, message.startDateTime ?? now.wallClock) {
            return SetDisplayMessageResponse(
                status: .rejected,
                statusInfo: StatusInfo(reasonCode: "InvalidValue", additionalInfo: "endDateTime is not after the start"))
        }
        guard displayMessages.count(afterSetting: message) <= settings.displayMessageCapacity else {
            return SetDisplayMessageResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "TooManyElements"))
        }
        for id in displayMessages.set(message) { persist(.displayMessageRemoved(id)) }
        persist(.displayMessage(message))
        return SetDisplayMessageResponse(status: .accepted)
    }
}
