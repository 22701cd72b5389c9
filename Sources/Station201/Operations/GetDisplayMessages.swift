import OCPP201

extension StationEngine {
    /// How many messages one NotifyDisplayMessages carries; the specification leaves it to the station.
    static let messageInfoPerMessage = 10

    /// [O03, O04]: Accepted and the matching messages in NotifyDisplayMessages parts after this answer, or
    /// Unknown when none match.
    mutating func getDisplayMessages(_ request: GetDisplayMessagesRequest) -> GetDisplayMessagesResponse {
        let matching = displayMessages.matching(ids: request.id, priority: request.priority, state: request.state)
        guard !matching.isEmpty else { return GetDisplayMessagesResponse(status: .unknown) }
        let parts = matching.parts(of: Self.messageInfoPerMessage)
        for (number, part) in parts.enumerated() {
            outbox.enqueue(
                NotifyDisplayMessagesRequest(
                    messageInfo: part, requestId: request.requestId, tbc: parts.toBeContinued(after: number)),
                purpose: .informational)
        }
        return GetDisplayMessagesResponse(status: .accepted)
    }
}
