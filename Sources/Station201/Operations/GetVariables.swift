import OCPP201

extension StationEngine {
    /// [B06]: one result per requested variable, in order, echoing its address; absent attributeType is Actual.
    mutating func getVariables(_ request: GetVariablesRequest) -> GetVariablesResponse {
        GetVariablesResponse(getVariableResult: request.getVariableData.map { data in
            let attribute = data.attributeType ?? .actual
            let address = VariableAddress(data.component, data.variable)
            func result(_ status: GetVariableStatus, _ value: String? = nil, _ info: String? = nil) -> GetVariableResult {
                GetVariableResult(
                    attributeStatus: status, attributeType: attribute, attributeValue: value.flatMap { CiString($0) },
                    component: data.component, variable: data.variable,
                    attributeStatusInfo: info.map { StatusInfo(reasonCode: CiString($0) ?? "") })
            }
            switch deviceModel.read(address, attribute: attribute, live: { liveValue($0, of: $1) }) {
            case .value(let value): return result(.accepted, value)
            case .unknownComponent: return result(.unknownComponent)
            case .unknownVariable: return result(.unknownVariable)
            case .notSupportedAttributeType: return result(.notSupportedAttributeType)
            case .writeOnly: return result(.rejected, nil, "WriteOnly")
            }
        })
    }

    /// The value of a live variable of `component` now.
    func liveValue(_ value: LiveValue, of component: ComponentAddress) -> String {
        switch value {
        case .dateTime: now.wallClock.description
        case .availabilityState: availabilityState(of: component).rawValue
        case .power: component.evseId.flatMap { evseIndex($0) }.map { decimalText(evses[$0].powerW) } ?? "0"
        case .problem: String(component.evseId.flatMap { evseIndex($0) }.map { evses[$0].fault != nil } ?? false)
        case .localListEntries: String(localList.entries.count)
        case .messageTimeout: String(messageTimeoutSeconds)
        case .activeNetworkProfile: String(networkProfiles.activeSlot)
        case .securityProfile: String(networkProfiles.activeSecurityProfile)
        case .displayMessages: String(displayMessages.count)
        case .certificateEntries: String(installedCertificates.count)
        case .chargingProfileEntries: String(chargingProfiles.entries.count)
        case .monitoringBase: monitors.base.rawValue
        }
    }
}

/// A decimal as the device model writes it: no fraction for a whole number.
func decimalText(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
}
