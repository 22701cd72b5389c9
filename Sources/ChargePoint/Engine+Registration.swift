import EngineSupport
import OCPP16

/// Link events, BootNotification, Heartbeat and StatusNotification ([CORE] §4.2, §4.6, §4.9).
extension ChargePointEngine {
    mutating func linkUp() {
        link = .connected
        backlogBelowSequence = nextSequence
        logger.info("link up")
        securityProfileConnected()
        // A plain reconnect needs no new BootNotification ([J] §5); statuses that changed meanwhile are
        // reported by reportStatusChanges, the pump sends a BootNotification if this boot has none accepted.
        if registration == .accepted { scheduleHeartbeat() }
    }

    mutating func linkDown(reason: String) {
        let wasConnected = link == .connected
        link = .disconnected
        if wasConnected { logger.warning("link down: \(reason)") }
        if !wasConnected { securityProfileConnectFailed() }
        if let call = inFlight {
            inFlight = nil
            callFailed(call, .linkLost)
        }
        // Calls that are not transaction-related are not kept for later: statuses are reported afresh on
        // reconnect, and an API caller waiting for Authorize learns now that the CSMS is out of reach.
        while let call = plainOutbox.popFirst() {
            if case .authorize(let origin) = call.purpose { authorizationFailed(.linkLost, for: origin) }
        }
        reportedStatus = sentStatus
        heartbeatDueAt = nil
        for sequence in awaitingConfirmation.keys { answerAwaited(sequence: sequence) }
    }

    mutating func bootAnswered(_ response: BootNotificationResponse) {
        logger.info("BootNotification \(response.status.rawValue), interval \(response.interval) s")
        registration = response.status
        switch response.status {
        case .accepted:
            bootRetryAt = nil
            if response.interval > 0, response.interval != configuration.integer(.heartbeatInterval) {
                configuration.set(.heartbeatInterval, .integer(response.interval))
                configurationChanged(.heartbeatInterval)
            }
            // After a boot every connector's status is reported, connector 0 first ([ERR] 3.22).
            reportedStatus = [:]
            sentStatus = [:]
            scheduleHeartbeat()
            reportStatusChanges()
            reportInstalledFirmware()
        case .pending, .rejected:
            let interval: Duration = response.interval > 0 ? .seconds(response.interval) : Self.bootRetryFallback
            bootRetryAt = now.uptime + interval
        }
    }

    /// Queues a StatusNotification for every connector whose status differs from what the CSMS was last
    /// told. Called before any other message is queued, so statuses go out in the order they happened.
    mutating func reportStatusChanges() {
        guard isOnline else { return }
        for connectorId in 0...connectors.count where reportedStatus[connectorId] != statusReport(connectorId) {
            enqueueStatus(connectorId: connectorId)
        }
    }

    /// Queues a StatusNotification with the connector's current status (0 = the charge point).
    mutating func enqueueStatus(connectorId: Int, triggered: Bool = false) {
        let report = statusReport(connectorId)
        reportedStatus[connectorId] = report
        let request = StatusNotificationRequest(
            connectorId: connectorId, errorCode: report.errorCode, info: report.info, status: report.status,
            timestamp: now.wallClock)
        plainOutbox.append(
            PlainCall(
                request: request, purpose: .status(connector: connectorId, report), precedesSequence: nextSequence,
                triggered: triggered))
    }

    func statusReport(_ connectorId: Int) -> StatusReport {
        connectorId == 0
            ? StatusReport(status: station.operative ? .available : .unavailable, errorCode: .noError, info: nil)
            : StatusReport(connectors[connectorId - 1])
    }
}

/// What a StatusNotification says of a connector: a change in any part is reported.
struct StatusReport: Sendable, Equatable {
    var status: ChargePointStatus
    var errorCode: ChargePointErrorCode
    var info: CiString<50>?
}

extension StatusReport {
    init(_ connector: Connector) {
        self.init(status: connector.status, errorCode: connector.errorCode, info: connector.errorInfo)
    }
}
