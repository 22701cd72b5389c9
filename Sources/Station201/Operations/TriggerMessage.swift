import OCPP201

extension StationEngine {
    /// [F06]: the answer goes first, then the message (queued after it).
    mutating func triggerMessage(_ request: TriggerMessageRequest) -> TriggerMessageResponse {
        switch request.requestedMessage {
        case .bootNotification:
            // Once Accepted, a station does not boot again on request [F06.FR.17].
            guard !registration.isAccepted else { return TriggerMessageResponse(status: .rejected) }
            registration.triggerBoot()
        case .heartbeat:
            outbox.enqueue(HeartbeatRequest(), purpose: .heartbeat, allowedWhilePending: true)
        case .statusNotification:
            // A connector must be named [F06.FR.12].
            guard let evse = request.evse, let connectorId = evse.connectorId,
                  availability.contains(.connector(evseId: evse.id, connectorId: connectorId))
            else { return TriggerMessageResponse(status: .rejected) }
            let status = availability.status(of: Availability.ConnectorKey(evseId: evse.id, connectorId: connectorId))
            outbox.enqueue(
                StatusNotificationRequest(
                    timestamp: now.wallClock, connectorStatus: status, evseId: evse.id, connectorId: connectorId),
                purpose: .informational, allowedWhilePending: true)
        default:
            return TriggerMessageResponse(status: .notImplemented)
        }
        return TriggerMessageResponse(status: .accepted)
    }
}
