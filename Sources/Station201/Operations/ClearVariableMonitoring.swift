import OCPP201

extension StationEngine {
    /// [N06]: one result per id; the monitors are gone before the answer.
    mutating func clearVariableMonitoring(_ request: ClearVariableMonitoringRequest) -> ClearVariableMonitoringResponse {
        let results = request.id.map { id in
            let status = monitors.clear(id: id)
            if status == .accepted { monitorWatches[id] = nil }
            return ClearMonitoringResult(status: status, id: id)
        }
        if results.contains(where: { $0.status == .accepted }) { persist(.monitors(monitors)) }
        return ClearVariableMonitoringResponse(clearMonitoringResult: results)
    }
}
