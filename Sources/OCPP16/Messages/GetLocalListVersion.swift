public struct GetLocalListVersionRequest: OCPPRequest, Equatable {
    public typealias Response = GetLocalListVersionResponse
    public static let action = Action.getLocalListVersion
}

public struct GetLocalListVersionResponse: Codable, Sendable, Equatable {
    public var listVersion: Int
    public init(listVersion: Int) { self.listVersion = listVersion }
}
