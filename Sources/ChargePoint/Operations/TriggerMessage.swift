import OCPP16

extension ChargePointEngine {
    /// Answers, then sends the requested message ([CORE] §5.17, [ERR] 3.46). A connector id that does not
    /// exist is Rejected; without one, StatusNotification and MeterValues go out for every connector
    /// (StatusNotification for connector 0 too). BootNotification is Rejected once Accepted ([ERR] 3.35).
    mutating func triggerMessage(_ request: TriggerMessageRequest) -> TriggerMessageResponse {
        TriggerMessageResponse(status: trigger(request.requestedMessage, connectorId: request.connectorId))
    }

    mutating func trigger(_ message: MessageTrigger, connectorId: Int?) -> TriggerMessageStatus {
        let indices: [Int]
        if let connectorId {
            guard let index = connectors.firstIndex(where: { $0.id == connectorId }) else { return .rejected }
            indices = [index]
        } else {
            indices = Array(connectors.indices)
        }
        switch message {
        case .bootNotification:
            guard registration != .accepted else { return .rejected }
            bootRetryAt = nil
        case .heartbeat:
            enqueue(HeartbeatRequest(), purpose: .informational, triggered: true)
        case .statusNotification:
            if connectorId == nil { enqueueStatus(connectorId: 0, triggered: true) }
            for index in indices { enqueueStatus(connectorId: connectors[index].id, triggered: true) }
        case .meterValues:
            let measurands = configuration.measurands(.meterValuesSampledData)
            for index in indices {
                let request = MeterValuesRequest(
                    connectorId: connectors[index].id,
                    transactionId: connectors[index].transactionLocalId.flatMap { transactions[$0]?.transactionId },
                    meterValue: [meterValue(connectorIndex: index, measurands, context: .trigger)])
                enqueue(request, purpose: .informational, triggered: true)
            }
        case .diagnosticsStatusNotification:
            enqueue(DiagnosticsStatusNotificationRequest(status: diagnosticsStatusForTrigger), purpose: .informational, triggered: true)
        case .firmwareStatusNotification:
            enqueue(FirmwareStatusNotificationRequest(status: firmwareStatusForTrigger), purpose: .informational, triggered: true)
        }
        return .accepted
    }
}
