/// [SCH] HeartbeatRequest: proves the link end to end and fetches the CSMS's time [G02].
public struct HeartbeatRequest: OCPPRequest, Equatable {
    public typealias Response = HeartbeatResponse
    public static let action = Action.heartbeat

    public init() {}
}

public struct HeartbeatResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var currentTime: Timestamp

    public init(currentTime: Timestamp) {
        self.currentTime = currentTime
    }
}

extension HeartbeatRequest: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {}
}

extension HeartbeatResponse: JSONFastDecodable {
    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let currentTime = fields.timestamp("currentTime"), fields.isFullyRead else { return nil }
        self.init(currentTime: currentTime)
    }
}
