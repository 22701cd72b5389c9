import OCPP201

extension StationEngine {
    /// [N03]: Accepted for every base; which monitors each leaves is `VariableMonitors.setBase`'s to say.
    mutating func setMonitoringBase(_ request: SetMonitoringBaseRequest) -> SetMonitoringBaseResponse {
        monitors.setBase(request.monitoringBase)
        monitorWatches = monitorWatches.filter { id, _ in monitors.all.contains { $0.id == id } }
        persist(.monitors(monitors))
        return SetMonitoringBaseResponse(status: .accepted)
    }
}
