public struct GetConfigurationRequest: OCPPRequest, Equatable {
    public typealias Response = GetConfigurationResponse
    public static let action = Action.getConfiguration
    public var key: [CiString<50>]?
}

public struct GetConfigurationResponse: Codable, Sendable, Equatable {
    public var configurationKey: [KeyValue]?
    public var unknownKey: [CiString<50>]?
    public init(configurationKey: [KeyValue]?, unknownKey: [CiString<50>]?) {
        self.configurationKey = configurationKey
        self.unknownKey = unknownKey
    }
}

extension GetConfigurationResponse: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("configurationKey", configurationKey)
        object.member("unknownKey", unknownKey)
    }
}

extension GetConfigurationRequest: JSONFastDecodable {

    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let key = fields.optional("key", { fields, name in
                  fields.array(name) { item -> CiString<50>? in
                      guard case .string(let text) = item else { return nil }
                      return CiString<50>(text)
                  }
              }),
              fields.isFullyRead
        else { return nil }
        self.init(key: key)
    }
}
