/// [SCH] ClearCacheRequest: empties the authorization cache [C11].
public struct ClearCacheRequest: OCPPRequest, Equatable {
    public typealias Response = ClearCacheResponse
    public static let action = Action.clearCache

    public init() {}
}

public struct ClearCacheResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: ClearCacheStatus
    public var statusInfo: StatusInfo?

    public init(status: ClearCacheStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
