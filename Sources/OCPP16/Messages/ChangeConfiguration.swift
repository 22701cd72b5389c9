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
