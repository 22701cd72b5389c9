public struct HeartbeatRequest: OCPPRequest, Equatable {
    public typealias Response = HeartbeatResponse
    public static let action = Action.heartbeat
    public init() {}
}

public struct HeartbeatResponse: Codable, Sendable, Equatable {
    public var currentTime: Timestamp
    public init(currentTime: Timestamp) { self.currentTime = currentTime }
}

extension HeartbeatRequest: JSONObject {
    package func writeMembers(to object: inout JSONObjectWriter) {}
}

extension HeartbeatResponse: JSONFastDecodable {
    private static let members: Set<String> = ["currentTime"]

    package init?(fastJSON members: [String: JSONValue]) {
        guard let fields = JSONMembers(members, known: Self.members), let currentTime = fields.timestamp("currentTime")
        else { return nil }
        self.init(currentTime: currentTime)
    }
}
