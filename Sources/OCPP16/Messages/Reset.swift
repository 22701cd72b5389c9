public struct ResetRequest: OCPPRequest, Equatable {
    public typealias Response = ResetResponse
    public static let action = Action.reset
    public var type: ResetType
}

public struct ResetResponse: Codable, Sendable, Equatable {
    public var status: AcceptedRejected
    public init(status: AcceptedRejected) { self.status = status }
}
