import OCPP201

extension StationEngine {
    /// [B05]: each value is checked against its variable's characteristics and stored (persisted before
    /// the answer leaves); what a change sets in motion happens after the answer [EV provisioning].
    mutating func setVariables(_ request: SetVariablesRequest) -> SetVariablesResponse {
        SetVariablesResponse(setVariableResult: request.setVariableData.map { data in
            let attribute = data.attributeType ?? .actual
            func result(_ status: SetVariableStatus, _ info: StatusInfo? = nil) -> SetVariableResult {
                SetVariableResult(
                    attributeType: attribute, attributeStatus: status, attributeStatusInfo: info,
                    component: data.component, variable: data.variable)
            }
            let address = VariableAddress(data.component, data.variable)
            switch write(address, attribute: attribute, value: data.attributeValue.value) {
            case .accepted(let descriptor, _): return result(descriptor.appliesAfterReboot ? .rebootRequired : .accepted)
            case .unknownComponent: return result(.unknownComponent)
            case .unknownVariable: return result(.unknownVariable)
            case .notSupportedAttributeType: return result(.notSupportedAttributeType)
            case .refused(let refusal): return result(.rejected, refusal.statusInfo)
            }
        })
    }

    /// A write from the CSMS or the API: stored, persisted, published, and its effect scheduled.
    mutating func write(_ address: VariableAddress, attribute: Attribute, value: String) -> DeviceModel.WriteOutcome {
        if address.key == StandardVariables.networkConfigurationPriority.address.key, attribute == .actual,
           let refusal = networkPriorityRefusal(value)
        {
            return .refused(refusal)
        }
        if address.key == StandardVariables.basicAuthPassword(nil).address.key, attribute == .actual,
           let refusal = passwordRefusal(value)
        {
            return .refused(refusal)
        }
        let outcome = deviceModel.write(address, attribute: attribute, value: value)
        if case .accepted(let descriptor, let canonical) = outcome { variableChanged(descriptor, canonical) }
        return outcome
    }

    /// For values the station sets itself (BootNotification's interval).
    mutating func setStoredVariable(_ descriptor: VariableDescriptor, to value: String) {
        if case .accepted(let descriptor, let canonical) = deviceModel.write(descriptor.address, attribute: .actual, value: value) {
            variableChanged(descriptor, canonical)
        }
    }

    private mutating func variableChanged(_ descriptor: VariableDescriptor, _ value: String) {
        persist(.variable(descriptor.address, value))
        publish(.variable(VariableSnapshot(descriptor: descriptor, value: descriptor.mutability == .writeOnly ? nil : value)))
        switch descriptor {
        case StandardVariables.heartbeatInterval:
            registration.messageSent(at: now.uptime, heartbeatInterval: deviceModel.integer(descriptor))
        case StandardVariables.webSocketPingInterval:
            afterAnswer.append(.setPingInterval(seconds: deviceModel.integer(descriptor)))
        case StandardVariables.retryBackOffWaitMinimum, StandardVariables.retryBackOffRandomRange,
            StandardVariables.retryBackOffRepeatTimes:
            afterAnswer.append(.setReconnectBackoff(reconnectBackoff))
        case _ where descriptor.address == StandardVariables.basicAuthPassword(nil).address:
            basicAuthPasswordChanged()
        default:
            break
        }
    }

    /// Carries out what the last answer's decisions set in motion, now that the answer is on its way.
    mutating func applyAfterAnswer() {
        for effect in afterAnswer { emit(effect) }
        afterAnswer = []
    }
}
