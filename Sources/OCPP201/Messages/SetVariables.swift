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

extension RPCCodec {
    /// The frame as the frame history and the event stream may show it: a SetVariables of the write-only
    /// `SecurityCtrlr.BasicAuthPassword` has that value replaced [B06.FR.09]. Other frames pass unchanged.
    public static func redactingBasicAuthPasswords(_ text: String) -> String {
        guard text.utf8.count <= 65536, text.utf8.contains(ignoringASCIICase: "basicauthpassword"),
              case .frame(.call(let messageId, Action.setVariables.rawValue, .object(var payload))) = decode(text.utf8),
              case .array(var items)? = payload["setVariableData"]
        else { return text }
        for (index, item) in items.enumerated() {
            guard case .object(var members) = item, case .object(let variable)? = members["variable"],
                  case .string(let name)? = variable["name"], name.lowercased() == "basicauthpassword"
            else { continue }
            members["attributeValue"] = .string("(hidden)")
            items[index] = .object(members)
        }
        payload["setVariableData"] = .array(items)
        return call(messageId: messageId, action: Action.setVariables.rawValue, payload: JSONValue.object(payload))
    }
}
