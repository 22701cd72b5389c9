public struct GetDiagnosticsRequest: OCPPRequest, Equatable {
    public typealias Response = GetDiagnosticsResponse
    public static let action = Action.getDiagnostics
    /// The directory to upload into.
    public var location: String
    public var retries: Int?
    public var retryInterval: Int?
    public var startTime: Timestamp?
    public var stopTime: Timestamp?
}

public struct GetDiagnosticsResponse: Codable, Sendable, Equatable {
    /// Absent when no diagnostics are available.
    public var fileName: CiString<255>?
    public init(fileName: CiString<255>?) { self.fileName = fileName }
}
