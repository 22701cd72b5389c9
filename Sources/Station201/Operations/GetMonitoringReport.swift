import OCPP201

extension StationEngine {
    /// [N02]: the monitors of the named variables (all when none are named) of the kinds named (all when none
    /// are), grouped by variable in NotifyMonitoringReport parts after this answer; EmptyResultSet when none.
    mutating func getMonitoringReport(_ request: GetMonitoringReportRequest) -> GetMonitoringReportResponse {
        let selections = (request.componentVariable ?? []).map(VariableSelection.init)
        let criteria = request.monitoringCriteria ?? []
        let chosen = monitors.all.filter { monitor in
            (selections.isEmpty || selections.contains { $0.selects(monitor.address) })
                && (criteria.isEmpty || criteria.contains { monitor.meets($0) })
        }
        guard !chosen.isEmpty else { return GetMonitoringReportResponse(status: .emptyResultSet) }
        var byVariable: [(address: VariableAddress, monitors: [VariableMonitoring])] = []
        for monitor in chosen {
            if let index = byVariable.firstIndex(where: { $0.address.key == monitor.address.key }) {
                byVariable[index].monitors.append(monitor.wireForm)
            } else {
                byVariable.append((monitor.address, [monitor.wireForm]))
            }
        }
        let data = byVariable.map {
            MonitoringData(component: $0.address.component.wireForm, variable: $0.address.wireVariable, variableMonitoring: $0.monitors)
        }
        let parts = data.parts(of: Self.reportDataPerMessage)
        for (seqNo, part) in parts.enumerated() {
            outbox.enqueue(
                NotifyMonitoringReportRequest(
                    monitor: part, requestId: request.requestId, tbc: parts.toBeContinued(after: seqNo), seqNo: seqNo,
                    generatedAt: now.wallClock),
                purpose: .informational)
        }
        return GetMonitoringReportResponse(status: .accepted)
    }
}
