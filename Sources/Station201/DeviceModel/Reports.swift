import OCPP201

/// What GetBaseReport and GetReport select from the device model ([B07], [B08]).
extension DeviceModel {
    /// The variables a base report lists, in catalogue order; `live` gives the live variables' values.
    public func variables(for base: ReportBase, live: (LiveValue, ComponentAddress) -> String) -> [VariableDescriptor] {
        switch base {
        case .fullInventory:
            return descriptors
        case .configurationInventory:
            return descriptors.filter { $0.mutability != .readOnly }
        case .summaryInventory:
            // Availability of every tier, plus the components with a problem.
            return descriptors.filter { $0.source == .live(.availabilityState) || isProblem($0, live: live) }
        }
    }

    /// The variables GetReport selects: those of the named components and variables (all of them when no
    /// names are given) whose component meets any of the criteria (any component when none are given).
    public func variables(
        matching selections: [VariableSelection], criteria: [ComponentCriterion],
        live: (LiveValue, ComponentAddress) -> String
    ) -> [VariableDescriptor] {
        descriptors.filter { descriptor in
            (selections.isEmpty || selections.contains { $0.selects(descriptor.address) })
                && (criteria.isEmpty || criteria.contains { meets($0, descriptor.address.component, live: live) })
        }
    }

    /// [B08.FR.07–10]: Active, Available and Enabled hold for a component whose variable of that name is
    /// true or absent; Problem only for one whose Problem variable is true.
    private func meets(
        _ criterion: ComponentCriterion, _ component: ComponentAddress, live: (LiveValue, ComponentAddress) -> String
    ) -> Bool {
        guard let flag = descriptor(at: VariableAddress(component, criterion.rawValue)) else { return criterion != .problem }
        return value(of: flag, live: live) == "true"
    }

    private func isProblem(_ descriptor: VariableDescriptor, live: (LiveValue, ComponentAddress) -> String) -> Bool {
        descriptor.address.name.lowercased() == "problem" && value(of: descriptor, live: live) == "true"
    }
}

/// One `componentVariable` of GetReport: a component, and optionally one of its variables. Left out, the
/// variable's instance, the component's instance and its EVSE select all of them [B08.FR.20–25].
public struct VariableSelection: Sendable, Equatable {
    public var component: ComponentAddress
    public var variableName: String?
    public var variableInstance: String?

    public init(component: ComponentAddress, variableName: String? = nil, variableInstance: String? = nil) {
        self.component = component
        self.variableName = variableName
        self.variableInstance = variableInstance
    }

    /// What a GetReport or GetMonitoringReport names: a component, and perhaps one of its variables.
    init(_ item: ComponentVariable) {
        self.init(
            component: ComponentAddress(item.component), variableName: item.variable?.name.value,
            variableInstance: item.variable?.instance?.value)
    }

    func selects(_ address: VariableAddress) -> Bool {
        let wanted = component.key
        let candidate = address.component.key
        guard wanted.name == candidate.name,
              wanted.instance == nil || wanted.instance == candidate.instance,
              wanted.evseId == nil || wanted.evseId == candidate.evseId,
              wanted.connectorId == nil || wanted.connectorId == candidate.connectorId
        else { return false }
        guard let variableName else { return true }
        let variable = address.key
        return variableName.lowercased() == variable.name
            && (variableInstance == nil || variableInstance?.lowercased() == variable.instance)
    }
}
