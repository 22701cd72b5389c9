import OCPP201

/// The device model's addresses and descriptions as the messages carry them.
extension ComponentAddress {
    init(_ component: Component) {
        self.init(
            component.name.value, instance: component.instance?.value, evseId: component.evse?.id,
            connectorId: component.evse?.connectorId)
    }

    /// Catalogue names are short literals, well within the schema's 50 characters.
    var wireForm: Component {
        Component(
            name: CiString(name) ?? "", instance: instance.flatMap { CiString($0) },
            evse: evseId.map { EVSE(id: $0, connectorId: connectorId) })
    }
}

extension VariableAddress {
    init(_ component: Component, _ variable: Variable) {
        self.init(ComponentAddress(component), variable.name.value, instance: variable.instance?.value)
    }

    var wireVariable: Variable {
        Variable(name: CiString(name) ?? "", instance: instance.flatMap { CiString($0) })
    }
}

extension VariableDescriptor {
    /// Every variable can be monitored: a monitor reads it as GetVariables does (`Monitoring/`).
    public var characteristics: VariableCharacteristics {
        VariableCharacteristics(
            unit: unit.flatMap { CiString($0) }, dataType: type.dataType, minLimit: type.minimumLimit,
            maxLimit: type.maximumLimit, valuesList: type.valuesList.flatMap { CiString($0.joined(separator: ",")) },
            supportsMonitoring: true)
    }

    /// One report entry: the Actual attribute with its value (none for WriteOnly [B07.FR.03]) and the
    /// characteristics.
    func reportData(value: String?) -> ReportData {
        ReportData(
            component: address.component.wireForm, variable: address.wireVariable,
            variableAttribute: [
                VariableAttribute(
                    type: .actual, value: value.flatMap { CiString($0) }, mutability: mutability,
                    persistent: persistent, constant: constant)
            ],
            variableCharacteristics: characteristics)
    }
}

extension ValueRefusal {
    var statusInfo: StatusInfo {
        StatusInfo(reasonCode: CiString(reasonCode) ?? "", additionalInfo: CiString(description))
    }
}
