import EngineSupport
import OCPP201

extension StationEngine {
    /// [N01]: answers with the file's name and uploads it into `remoteLocation` [N01.FR.01/02]: the diagnostics
    /// archive, or the security log entries between the timestamps, fixed now. An upload in progress is
    /// cancelled for the new one: AcceptedCanceled, and LogStatusNotification AcceptedCanceled for the old
    /// request [N01.FR.12/20]. A scheme FileTransferProtocols does not list is Rejected.
    mutating func getLog(_ request: GetLogRequest) -> GetLogResponse {
        let location = request.log.remoteLocation.value
        guard fileTransferAllows(location) else {
            return GetLogResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "UnsupportedParam"))
        }
        let fileName: String
        let kind: Job.Kind
        switch request.logType {
        case .diagnosticsLog:
            fileName = UploadFileName.diagnosticsLog(identity: settings.identity, at: now.wallClock)
            kind = .uploadDiagnostics(url: location, fileName: fileName)
        case .securityLog:
            fileName = UploadFileName.securityLog(identity: settings.identity, at: now.wallClock)
            let text = securityLog
                .filter { entry in
                    request.log.oldestTimestamp.map { entry.timestamp >= $0 } ?? true
                        && request.log.latestTimestamp.map { entry.timestamp <= $0 } ?? true
                }
                .map(\.logLine).joined()
            kind = .uploadText(url: location, fileName: fileName, content: text)
        }
        let cancelled = logUpload
        if let cancelled { notifyLog(.acceptedCanceled, requestId: cancelled.requestId) }
        if let job = cancelled?.schedule.job { emit(.cancel(jobId: job)) }
        lastLogRequestId = request.requestId
        logUpload = LogUpload(
            requestId: request.requestId, fileName: fileName,
            schedule: UploadSchedule(kind, retries: request.retries, retryInterval: request.retryInterval))
        return GetLogResponse(status: cancelled == nil ? .accepted : .acceptedCanceled, filename: CiString<255>(fileName))
    }
}

extension SecurityLogEntry {
    /// One line of the uploaded security log: time, event, details.
    var logLine: String {
        "\(timestamp.iso8601) \(type.rawValue)\(techInfo.map { " \($0)" } ?? "")\n"
    }
}
