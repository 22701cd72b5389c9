import OCPP201

extension StationEngine {
    /// [B11]/[B12]: Immediate ends every transaction (ResetCommand, ImmediateReset) and reboots after the
    /// answer [B12.FR.05]; OnIdle reboots now when no transaction runs, otherwise answers Scheduled and reboots
    /// when the last one has ended [B12.FR.01]. Either way the reboot waits for the transaction events to be
    /// delivered (`rebootWhenDelivered`). The next BootNotification says RemoteReset. One EVSE
    /// (`EVSE.AllowReset`) resets the same way without the station: its transaction ends at once or, OnIdle,
    /// the reset waits for it [B11.FR.08, B12.FR.06]; an unknown EVSE is Rejected.
    mutating func reset(_ request: ResetRequest) -> ResetResponse {
        reset(request, reason: .remoteReset)
    }

    /// The CSMS's Reset (`RemoteReset`) or the API's (`LocalReset`, what the next BootNotification says).
    mutating func reset(_ request: ResetRequest, reason: BootReason) -> ResetResponse {
        if let evseId = request.evseId {
            guard let index = evseIndex(evseId) else {
                return ResetResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "UnknownEvse"))
            }
            guard evses[index].transaction != nil else { return ResetResponse(status: .accepted) }
            if request.type == .onIdle {
                evses[index].resetWhenIdle = true
                return ResetResponse(status: .scheduled)
            }
            end(index, .immediateReset)
            return ResetResponse(status: .accepted)
        }
        persist(.bootReason(reason))
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
