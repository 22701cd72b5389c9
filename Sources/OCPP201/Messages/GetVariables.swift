/// [SCH] GetVariablesRequest: read device-model values; the station answers one result per item, in order,
/// echoing each address [B06.FR.01–03].
public struct GetVariablesRequest: OCPPRequest, Equatable {
    public typealias Response = GetVariablesResponse
    public static let action = Action.getVariables
    public var getVariableData: [GetVariableData]

    public init(getVariableData: [GetVariableData]) {
        self.getVariableData = getVariableData
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        getVariableData = try container.decodeItems([GetVariableData].self, forKey: .getVariableData)
    }
}

public struct GetVariablesResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var getVariableResult: [GetVariableResult]

    public init(getVariableResult: [GetVariableResult]) {
        self.getVariableResult = getVariableResult
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        getVariableResult = try container.decodeItems([GetVariableResult].self, forKey: .getVariableResult)
    }
}

extension GetVariablesRequest: JSONFastDecodable {
    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let getVariableData = fields.array("getVariableData", { item -> GetVariableData? in
                  guard case .object(let members) = item else { return nil }
                  return GetVariableData(fastJSON: members)
              }),
              !getVariableData.isEmpty,
              fields.isFullyRead
        else { return nil }
        self.init(getVariableData: getVariableData)
    }
}

extension GetVariablesResponse: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("getVariableResult", getVariableResult)
    }
}
