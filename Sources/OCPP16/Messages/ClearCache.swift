public struct ClearCacheRequest: OCPPRequest, Equatable {
    public typealias Response = ClearCacheResponse
    public static let action = Action.clearCache
}

public struct ClearCacheResponse: Codable, Sendable, Equatable {
    public var status: AcceptedRejected
    public init(status: AcceptedRejected) { self.status = status }
}
