import OCPP201

extension StationEngine {
    /// [N05]: 0 (Danger) to 9 (Debug) becomes `ActiveMonitoringLevel`; anything else is Rejected.
    mutating func setMonitoringLevel(_ request: SetMonitoringLevelRequest) -> SetMonitoringLevelResponse {
        guard VariableMonitors.severities.contains(request.severity) else {
            return SetMonitoringLevelResponse(
                status: .rejected, statusInfo: StatusInfo(reasonCode: "InvalidSeverity", additionalInfo: "severity is 0 to 9"))
        }
        setStoredVariable(StandardVariables.activeMonitoringLevel, to: String(request.severity))
        return SetMonitoringLevelResponse(status: .accepted)
    }
}
