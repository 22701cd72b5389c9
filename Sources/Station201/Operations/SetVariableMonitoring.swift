import OCPP201

extension StationEngine {
    /// [N04]: one result per element, in order, each echoing it with the id its monitor got; the monitors are
    /// stored before the answer [N07.FR.13].
    mutating func setVariableMonitoring(_ request: SetVariableMonitoringRequest) -> SetVariableMonitoringResponse {
        let before = monitors
        let results = request.setMonitoringData.map { data in
            let address = VariableAddress(data.component, data.variable)
            let outcome = monitors.set(
                data, descriptor: deviceModel.descriptor(at: address),
                componentKnown: deviceModel.hasComponent(address.component))
            func result(_ status: SetMonitoringStatus, id: Int? = data.id, _ reason: String? = nil, _ detail: String? = nil)
                -> SetMonitoringResult
            {
                SetMonitoringResult(
                    id: id, statusInfo: reason.map { StatusInfo(reasonCode: CiString($0) ?? "", additionalInfo: detail.flatMap { CiString($0) }) },
                    status: status, type: data.type, component: data.component, variable: data.variable,
                    severity: data.severity)
            }
            switch outcome {
            case .success(let monitor):
                // A replaced monitor looks afresh.
                monitorWatches[monitor.id] = nil
                return result(.accepted, id: monitor.id)
            case .failure(.unknownComponent): return result(.unknownComponent)
            case .failure(.unknownVariable): return result(.unknownVariable)
            case .failure(.unsupportedMonitorType):
                return result(.unsupportedMonitorType, id: data.id, "NotNumeric", "thresholds need a variable that is a number")
            case .failure(.rejected(let reason, let detail)): return result(.rejected, id: data.id, reason, detail)
            case .failure(.duplicate(let other)):
                return result(.duplicate, id: data.id, "Duplicate", "monitor \(other) has this type and severity")
            }
        }
        if monitors != before { persist(.monitors(monitors)) }
        return SetVariableMonitoringResponse(setMonitoringResult: results)
    }
}
