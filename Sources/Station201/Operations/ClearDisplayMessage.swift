import OCPP201

extension StationEngine {
    /// [O05].
    mutating func clearDisplayMessage(_ request: ClearDisplayMessageRequest) -> ClearDisplayMessageResponse {
        guard displayMessages.remove(id: request.id) else { return ClearDisplayMessageResponse(status: .unknown) }
        persist(.displayMessageRemoved(request.id))
        return ClearDisplayMessageResponse(status: .accepted)
    }
}
