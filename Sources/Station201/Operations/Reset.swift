import OCPP201

extension StationEngine {
    /// [B11]/[B12]: with no transaction that could be running, OnIdle and Immediate both reboot now, after
    /// the answer; the next BootNotification says RemoteReset. Resetting one EVSE is not offered
    /// (`EVSE.AllowReset` is not in the device model), so a request for one is Rejected [B11.FR.09/10].
    mutating func reset(_ request: ResetRequest) -> ResetResponse {
        guard request.evseId == nil else { return ResetResponse(status: .rejected) }
        persist(.bootReason(.remoteReset))
        restartRequested = true
        return ResetResponse(status: .accepted)
    }
}
