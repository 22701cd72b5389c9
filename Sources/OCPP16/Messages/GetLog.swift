public struct GetLogRequest: OCPPRequest, Equatable {
    public typealias Response = GetLogResponse
    public static let action = Action.getLog
    public var logType: LogType
    public var requestId: Int
    public var retries: Int?
    public var retryInterval: Int?
    public var log: LogParameters
}

public struct LogParameters: Codable, Sendable, Equatable {
    /// The directory to upload into.
    public var remoteLocation: CiString<512>
    public var oldestTimestamp: Timestamp?
    public var latestTimestamp: Timestamp?
}

public struct GetLogResponse: Codable, Sendable, Equatable {
    public var status: LogStatus
    public var filename: CiString<255>?

    public init(status: LogStatus, filename: CiString<255>?) {
        self.status = status
        self.filename = filename
    }
}
