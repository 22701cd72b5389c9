public struct ChangeConfigurationRequest: OCPPRequest, Equatable {
    public typealias Response = ChangeConfigurationResponse
    public static let action = Action.changeConfiguration
    public var key: CiString<50>
    public var value: CiString<500>
}

public struct ChangeConfigurationResponse: Codable, Sendable, Equatable {
    public var status: ConfigurationStatus
    public init(status: ConfigurationStatus) { self.status = status }
}

extension RPCCodec {
    /// The frame as logs, the frame history and the event stream may show it: a ChangeConfiguration of the
    /// write-only AuthorizationKey has its value replaced ([JERR] 3.10). Other frames pass unchanged.
    public static func redactingSecrets(_ text: String) -> String {
        guard text.utf8.count <= 8192, text.utf8.contains(ignoringASCIICase: "authorizationkey"),
            case .frame(.call(let messageId, Action.changeConfiguration.rawValue, .object(var payload))) = decode(text.utf8),
            case .string(let key)? = payload["key"], key.lowercased() == "authorizationkey"
        else { return text }
        payload["value"] = .string("(hidden)")
        return call(messageId: messageId, action: .changeConfiguration, payload: JSONValue.object(payload))
    }
}
