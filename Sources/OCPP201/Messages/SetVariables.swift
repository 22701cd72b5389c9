/// [SCH] SetVariablesRequest: write device-model values; one result per item, echoing each address
/// [B05.FR.01–03]. Side effects (a new heartbeat interval, a reconnect) follow the response.
public struct SetVariablesRequest: OCPPRequest, Equatable {
    public typealias Response = SetVariablesResponse
    public static let action = Action.setVariables
    public var setVariableData: [SetVariableData]

    public init(setVariableData: [SetVariableData]) {
        self.setVariableData = setVariableData
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        setVariableData = try container.decodeItems([SetVariableData].self, forKey: .setVariableData)
    }
}

public struct SetVariablesResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var setVariableResult: [SetVariableResult]

    public init(setVariableResult: [SetVariableResult]) {
        self.setVariableResult = setVariableResult
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        setVariableResult = try container.decodeItems([SetVariableResult].self, forKey: .setVariableResult)
    }
}
