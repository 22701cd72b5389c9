import EngineSupport
import OCPP201

/// GetLog's upload [N01]: the shared `UploadSchedule` tries it with retries; the engine reports each step
/// with LogStatusNotification and the request's id [N01.FR.07–10].
extension StationEngine {
    mutating func advanceLogUpload() {
        guard var upload = logUpload else { return }
        let steps = upload.schedule.advance(at: now.wallClock, jobs: &jobs)
        logUpload = upload
        carryOut(steps, of: upload)
    }

    mutating func logJobFinished(id: Int, _ outcome: JobOutcome) {
        guard var upload = logUpload else { return }
        let steps = upload.schedule.finished(id: id, outcome, at: now.wallClock)
        logUpload = upload
        carryOut(steps, of: upload)
    }

    private mutating func carryOut(_ steps: [UploadSchedule.Step], of upload: LogUpload) {
        for step in steps {
            switch step {
            case .start(let job):
                emit(.start(job))
            case .uploading:
                notifyLog(.uploading, requestId: upload.requestId)
            case .uploaded:
                logUpload = nil
                notifyLog(.uploaded, requestId: upload.requestId)
            case .retry(let reason, let at):
                logger.warning("log upload \(upload.requestId) failed (\(reason)); next try at \(at)")
            case .failed(let reason):
                logger.warning("log upload \(upload.requestId) failed for good: \(reason)")
                logUpload = nil
                notifyLog(.uploadFailure, requestId: upload.requestId)
            }
        }
    }

    mutating func notifyLog(_ status: UploadLogStatus, requestId: Int) {
        logger.info("log upload \(requestId): \(status.rawValue)")
        outbox.enqueue(LogStatusNotificationRequest(status: status, requestId: requestId), purpose: .informational)
    }

    /// What TriggerMessage(LogStatusNotification) sends: Uploading while a try runs, else Idle [F06.FR.14/15],
    /// with the last request's id (0 before any), which CitrineOS insists on even for Idle.
    var logStatusForTrigger: LogStatusNotificationRequest {
        guard let upload = logUpload, upload.schedule.isUploading else {
            return LogStatusNotificationRequest(status: .idle, requestId: lastLogRequestId)
        }
        return LogStatusNotificationRequest(status: .uploading, requestId: upload.requestId)
    }
}

/// Both kinds of file job, as the engine shell drives them.
extension StationEngine {
    mutating func advanceFileJobs() {
        advanceFirmwareUpdate()
        advanceLogUpload()
    }

    mutating func jobFinished(id: Int, _ outcome: JobOutcome) {
        firmwareJobFinished(id: id, outcome)
        logJobFinished(id: id, outcome)
    }

    /// When the firmware schedule or a log retry is next due, on the wall clock.
    var nextFileJobStep: Timestamp? {
        [nextFirmwareInstant, logUpload?.schedule.retryAt].compactMap { $0 }.min()
    }

    var fileTransfersSnapshot: FileTransfersSnapshot {
        let firmwareStatus = firmwareStatusForTrigger
        let logStatus = logStatusForTrigger
        return FileTransfersSnapshot(
            firmwareStatus: firmwareStatus.status, firmwareRequestId: firmwareStatus.requestId,
            firmwareLocation: firmware?.schedule?.location, logStatus: logStatus.status,
            logRequestId: logUpload?.requestId, logFileName: logUpload?.fileName)
    }
}
