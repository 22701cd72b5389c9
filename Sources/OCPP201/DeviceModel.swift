/// The device model's addressing and reporting structures ([P1] §4, [SCH]): a variable is found by component,
/// variable and attribute type, and every value travels as a string whatever its data type.

/// [SCH] ComponentType. A component on the EVSE or connector tier names its place in `evse`; controllers and the
/// station itself have none.
public struct Component: Codable, Sendable, Equatable, CustomDataExtensible {
    public var evse: EVSE?
    public var name: CiString<50>
    public var instance: CiString<50>?

    public init(name: CiString<50>, instance: CiString<50>? = nil, evse: EVSE? = nil) {
        self.evse = evse
        self.name = name
        self.instance = instance
    }
}

extension Component: JSONObject, JSONFastDecodable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("evse", evse)
        object.member("name", name)
        object.member("instance", instance)
    }

    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let name: CiString<50> = fields.string("name"),
              let instance = fields.optional("instance", { $0.string($1) as CiString<50>? }),
              let evse = fields.optional("evse", { $0.object($1) as EVSE? }),
              fields.isFullyRead
        else { return nil }
        self.init(name: name, instance: instance, evse: evse)
    }
}

/// [SCH] VariableType.
public struct Variable: Codable, Sendable, Equatable, CustomDataExtensible {
    public var name: CiString<50>
    public var instance: CiString<50>?

    public init(name: CiString<50>, instance: CiString<50>? = nil) {
        self.name = name
        self.instance = instance
    }
}

extension Variable: JSONObject, JSONFastDecodable {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("name", name)
        object.member("instance", instance)
    }

    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let name: CiString<50> = fields.string("name"),
              let instance = fields.optional("instance", { $0.string($1) as CiString<50>? }),
              fields.isFullyRead
        else { return nil }
        self.init(name: name, instance: instance)
    }
}

/// [SCH] ComponentVariableType: GetReport's filter; without a variable it selects all of the component's
/// variables [B08.FR.20–25].
public struct ComponentVariable: Codable, Sendable, Equatable, CustomDataExtensible {
    public var component: Component
    public var variable: Variable?

    public init(component: Component, variable: Variable? = nil) {
        self.component = component
        self.variable = variable
    }
}

/// [SCH] VariableAttributeType: one attribute of a reported variable. Absent members mean the schema defaults
/// (Actual, ReadWrite, not persistent, not constant); `value` is left out for a WriteOnly variable [B07.FR.03].
public struct VariableAttribute: Codable, Sendable, Equatable, CustomDataExtensible {
    public var type: Attribute?
    public var value: CiString<2500>?
    public var mutability: Mutability?
    public var persistent: Bool?
    public var constant: Bool?

    public init(
        type: Attribute? = nil, value: CiString<2500>? = nil, mutability: Mutability? = nil,
        persistent: Bool? = nil, constant: Bool? = nil
    ) {
        self.type = type
        self.value = value
        self.mutability = mutability
        self.persistent = persistent
        self.constant = constant
    }
}

/// [SCH] VariableCharacteristicsType: what values a variable takes. For string and list types `maxLimit` is the
/// maximum length; list types need `valuesList`.
public struct VariableCharacteristics: Codable, Sendable, Equatable, CustomDataExtensible {
    public var unit: CiString<16>?
    public var dataType: DataEnumType
    public var minLimit: Double?
    public var maxLimit: Double?
    /// Comma-separated allowed values.
    public var valuesList: CiString<1000>?
    public var supportsMonitoring: Bool

    public init(
        unit: CiString<16>? = nil, dataType: DataEnumType, minLimit: Double? = nil, maxLimit: Double? = nil,
        valuesList: CiString<1000>? = nil, supportsMonitoring: Bool
    ) {
        self.unit = unit
        self.dataType = dataType
        self.minLimit = minLimit
        self.maxLimit = maxLimit
        self.valuesList = valuesList
        self.supportsMonitoring = supportsMonitoring
    }
}

/// [SCH] ReportDataType: one variable in a NotifyReport, with up to four attributes.
public struct ReportData: Codable, Sendable, Equatable, CustomDataExtensible {
    public var component: Component
    public var variable: Variable
    public var variableAttribute: [VariableAttribute]
    public var variableCharacteristics: VariableCharacteristics?

    public init(
        component: Component, variable: Variable, variableAttribute: [VariableAttribute],
        variableCharacteristics: VariableCharacteristics? = nil
    ) {
        self.component = component
        self.variable = variable
        self.variableAttribute = variableAttribute
        self.variableCharacteristics = variableCharacteristics
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        component = try container.decode(Component.self, forKey: .component)
        variable = try container.decode(Variable.self, forKey: .variable)
        variableAttribute = try container.decodeItems([VariableAttribute].self, forKey: .variableAttribute, atMost: 4)
        variableCharacteristics = try container.decodeIfPresent(
            VariableCharacteristics.self, forKey: .variableCharacteristics)
    }
}

/// [SCH] GetVariableDataType: one variable GetVariables asks for; an absent attribute type means Actual.
public struct GetVariableData: Codable, Sendable, Equatable, CustomDataExtensible {
    public var attributeType: Attribute?
    public var component: Component
    public var variable: Variable

    public init(attributeType: Attribute? = nil, component: Component, variable: Variable) {
        self.attributeType = attributeType
        self.component = component
        self.variable = variable
    }
}

extension GetVariableData: JSONFastDecodable {
    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let attributeType = fields.optional("attributeType", { $0.enumeration($1) as Attribute? }),
              let component: Component = fields.object("component"),
              let variable: Variable = fields.object("variable"),
              fields.isFullyRead
        else { return nil }
        self.init(attributeType: attributeType, component: component, variable: variable)
    }
}

/// [SCH] GetVariableResultType: the answer for one GetVariableData, echoing its address; only an Accepted one
/// carries a value (`""` when the variable is supported but unset) [B06.FR.13].
public struct GetVariableResult: Codable, Sendable, Equatable, CustomDataExtensible {
    public var attributeStatusInfo: StatusInfo?
    public var attributeStatus: GetVariableStatus
    public var attributeType: Attribute?
    public var attributeValue: CiString<2500>?
    public var component: Component
    public var variable: Variable

    public init(
        attributeStatus: GetVariableStatus, attributeType: Attribute? = nil, attributeValue: CiString<2500>? = nil,
        component: Component, variable: Variable, attributeStatusInfo: StatusInfo? = nil
    ) {
        self.attributeStatusInfo = attributeStatusInfo
        self.attributeStatus = attributeStatus
        self.attributeType = attributeType
        self.attributeValue = attributeValue
        self.component = component
        self.variable = variable
    }
}

extension GetVariableResult: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("attributeStatusInfo", attributeStatusInfo)
        object.member("attributeStatus", attributeStatus)
        object.member("attributeType", attributeType)
        object.member("attributeValue", attributeValue)
        object.member("component", component)
        object.member("variable", variable)
    }
}

/// [SCH] SetVariableDataType: one value SetVariables writes; an absent attribute type means Actual.
public struct SetVariableData: Codable, Sendable, Equatable, CustomDataExtensible {
    public var attributeType: Attribute?
    public var attributeValue: CiString<1000>
    public var component: Component
    public var variable: Variable

    public init(
        attributeType: Attribute? = nil, attributeValue: CiString<1000>, component: Component, variable: Variable
    ) {
        self.attributeType = attributeType
        self.attributeValue = attributeValue
        self.component = component
        self.variable = variable
    }
}

/// [SCH] SetVariableResultType: the outcome for one SetVariableData, echoing its address.
public struct SetVariableResult: Codable, Sendable, Equatable, CustomDataExtensible {
    public var attributeType: Attribute?
    public var attributeStatus: SetVariableStatus
    public var attributeStatusInfo: StatusInfo?
    public var component: Component
    public var variable: Variable

    public init(
        attributeType: Attribute? = nil, attributeStatus: SetVariableStatus, attributeStatusInfo: StatusInfo? = nil,
        component: Component, variable: Variable
    ) {
        self.attributeType = attributeType
        self.attributeStatus = attributeStatus
        self.attributeStatusInfo = attributeStatusInfo
        self.component = component
        self.variable = variable
    }
}
