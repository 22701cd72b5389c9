import OCPP201

extension StationEngine {
    /// [B11]/[B12]: Immediate ends every transaction (ResetCommand, ImmediateReset) and reboots after the
    /// answer [B12.FR.05]; OnIdle reboots now when no transaction runs, otherwise answers Scheduled and reboots
    /// when the last one has ended [B12.FR.01]. Either way the reboot waits for the transaction events to be
    /// delivered (`rebootWhenDelivered`). The next BootNotification says RemoteReset. Resetting one
    /// EVSE is not offered (`EVSE.AllowReset` is not in the device model), so a request for one is Rejected
    /// [B11.FR.09/10].
    mutating func reset(_ request: ResetRequest) -> ResetResponse {
        guard request.evseId == nil else { return ResetResponse(status: .rejected) }
        persist(.bootReason(.remoteReset))
        let busy = evses.contains { $0.transaction != nil }
        switch request.type {
        case .immediate:
            for index in evses.indices where evses[index].transaction != nil { end(index, .immediateReset) }
        case .onIdle where busy:
            resetWhenIdle = true
            return ResetResponse(status: .scheduled)
        case .onIdle:
            break
        }
        rebootWhenDelivered()
        return ResetResponse(status: .accepted)
    }

    /// Reboots once the transaction events are delivered, within one MessageTimeout per event waiting.
    mutating func rebootWhenDelivered() {
        rebootDeadline = now.uptime + messageTimeout * max(1, transactionEvents.count)
    }
}
