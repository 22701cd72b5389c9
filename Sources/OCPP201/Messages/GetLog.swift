/// [SCH] LogParametersType: where to upload the log, and which part of it.
public struct LogParameters: Codable, Sendable, Equatable, CustomDataExtensible {
    public var remoteLocation: CiString<512>
    public var oldestTimestamp: Timestamp?
    public var latestTimestamp: Timestamp?

    public init(remoteLocation: CiString<512>, oldestTimestamp: Timestamp? = nil, latestTimestamp: Timestamp? = nil) {
        self.remoteLocation = remoteLocation
        self.oldestTimestamp = oldestTimestamp
        self.latestTimestamp = latestTimestamp
    }
}

/// [SCH] GetLogRequest: upload the diagnostics or the security log [N01].
public struct GetLogRequest: OCPPRequest, Equatable {
    public typealias Response = GetLogResponse
    public static let action = Action.getLog
    public var log: LogParameters
    public var logType: LogType
    public var requestId: Int
    public var retries: Int?
    public var retryInterval: Int?

    public init(log: LogParameters, logType: LogType, requestId: Int, retries: Int? = nil, retryInterval: Int? = nil) {
        self.log = log
        self.logType = logType
        self.requestId = requestId
        self.retries = retries
        self.retryInterval = retryInterval
    }
}

public struct GetLogResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: LogStatus
    public var statusInfo: StatusInfo?
    /// The name of the file the station uploads; absent when none is.
    public var filename: CiString<255>?

    public init(status: LogStatus, filename: CiString<255>? = nil, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.filename = filename
        self.statusInfo = statusInfo
    }
}
