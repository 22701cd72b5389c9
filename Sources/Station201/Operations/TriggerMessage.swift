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
                  availability.contains(.connector(evseId: evse.id, connectorId: connectorId)),
                  let index = evseIndex(evse.id)
            else { return TriggerMessageResponse(status: .rejected) }
            outbox.enqueue(
                StatusNotificationRequest(
                    timestamp: now.wallClock, connectorStatus: connectorStatus(index), evseId: evse.id,
                    connectorId: connectorId),
                purpose: .informational, allowedWhilePending: true)
        case .meterValues:
            let targets = targets(request.evse)
            guard !targets.isEmpty else { return TriggerMessageResponse(status: .rejected) }
            queueTriggeredMeterValues(targets)
        case .transactionEvent:
            // An Updated for the named EVSE's transaction, or for every transaction.
            let running = targets(request.evse).filter { evses[$0].transaction != nil }
            guard !running.isEmpty else { return TriggerMessageResponse(status: .rejected) }
            for index in running {
                queueEvent(
                    index, .updated, TransactionCause(trigger: .trigger, stoppedReason: .local),
                    meterValue: sample(index, StandardVariables.txUpdatedMeasurands, .trigger).map { [$0] },
                    chargingStateChanged: true)
            }
        case .signChargingStationCertificate:
            return requestStationCertificate()
        case .firmwareStatusNotification:
            outbox.enqueue(firmwareStatusForTrigger, purpose: .informational, allowedWhilePending: true)
        case .logStatusNotification:
            outbox.enqueue(logStatusForTrigger, purpose: .informational, allowedWhilePending: true)
        default:
            return TriggerMessageResponse(status: .notImplemented)
        }
        return TriggerMessageResponse(status: .accepted)
    }

    /// The EVSE named, or every EVSE when none is [F06.FR.11]; none for an unknown one.
    private func targets(_ evse: EVSE?) -> [Int] {
        guard let evse else { return Array(evses.indices) }
        return evseIndex(evse.id).map { [$0] } ?? []
    }
}
