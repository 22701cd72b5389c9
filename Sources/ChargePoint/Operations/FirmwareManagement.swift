import Certificates
import EngineSupport
import OCPP16

/// An UpdateFirmware or SignedUpdateFirmware in progress: the schedule both protocols share, and what makes
/// it a SignedUpdateFirmware ([SEC] L01), which reports with its requestId.
struct FirmwareUpdate: Sendable, Equatable {
    var schedule: FirmwareSchedule
    var requestId: Int?
}

/// A GetDiagnostics or GetLog upload in progress.
struct FileUpload: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case diagnostics
        case log(LogType, requestId: Int)
    }

    var kind: Kind
    var fileName: String
    var schedule: UploadSchedule
}

/// Firmware Management ([CORE] §5.9, §5.19, §6.14) and its secure variants ([SEC] L01, N01): transfers,
/// signature checks and the install hook run outside the engine as jobs; the shared schedules
/// (`FirmwareSchedule`, `UploadSchedule`) keep the retries, and the engine reports their steps.
extension ChargePointEngine {
    /// Answers `{}` and downloads from retrieveDate on, then installs once no transaction runs, then reboots;
    /// Installed is reported after the reboot. A new request replaces one in progress.
    mutating func updateFirmware(_ request: UpdateFirmwareRequest) -> EmptyResponse {
        firmwareUpdate = FirmwareUpdate(
            schedule: FirmwareSchedule(
                location: request.location,
                fileName: TransferPolicy.fileName(in: request.location, fallback: "firmware.bin"),
                retrieveAt: request.retrieveDate, retries: request.retries, retryInterval: request.retryInterval))
        logger.info("firmware update from \(request.location) at \(request.retrieveDate)")
        return EmptyResponse()
    }

    /// Checks the signing certificate against the installed ManufacturerRootCertificates before answering;
    /// the signature itself is checked once the file is here. A new request cancels one in progress.
    mutating func signedUpdateFirmware(_ request: SignedUpdateFirmwareRequest) -> SignedUpdateFirmwareResponse {
        let firmware = request.firmware
        let roots = installedCertificates(.manufacturerRootCertificate)
        do throws(CertificateError) {
            guard !roots.isEmpty else { throw .untrusted(reason: "no ManufacturerRootCertificate is installed") }
            let chain = try Certificate.parseChain(pem: firmware.signingCertificate.value)
            try TrustStore.verify(chain, roots: roots, at: now.wallClock.millisecondsSince1970 / 1000)
        } catch {
            raiseSecurityEvent(.invalidFirmwareSigningCertificate, techInfo: "\(error)")
            return SignedUpdateFirmwareResponse(status: .invalidCertificate)
        }
        guard let signature = Base64.decode(firmware.signature.value), !signature.isEmpty else {
            logger.warning("SignedUpdateFirmware refused: the signature is not base64")
            return SignedUpdateFirmwareResponse(status: .rejected)
        }
        let replaced = firmwareUpdate != nil
        firmwareUpdate = FirmwareUpdate(
            schedule: FirmwareSchedule(
                location: firmware.location.value,
                fileName: TransferPolicy.fileName(in: firmware.location.value, fallback: "firmware.bin"),
                retrieveAt: firmware.retrieveDateTime, installAt: firmware.installDateTime, retries: request.retries,
                retryInterval: request.retryInterval,
                signature: .init(certificatePEM: firmware.signingCertificate.value, bytes: signature)),
            requestId: request.requestId)
        logger.info("signed firmware update \(request.requestId) from \(firmware.location.value) at \(firmware.retrieveDateTime)")
        if firmware.retrieveDateTime > now.wallClock { notifyFirmware(.downloadScheduled, requestId: request.requestId) }
        return SignedUpdateFirmwareResponse(status: replaced ? .acceptedCanceled : .accepted)
    }

    /// Answers with the archive's name, then uploads it into `location`.
    mutating func getDiagnostics(_ request: GetDiagnosticsRequest) -> GetDiagnosticsResponse {
        let fileName = UploadFileName.diagnostics(identity: settings.identity, at: now.wallClock)
        diagnosticsUpload = FileUpload(
            kind: .diagnostics, fileName: fileName,
            schedule: UploadSchedule(
                .uploadDiagnostics(url: request.location, fileName: fileName), retries: request.retries,
                retryInterval: request.retryInterval))
        return GetDiagnosticsResponse(fileName: CiString<255>(fileName))
    }

    /// Answers with the file's name, then uploads the diagnostics archive or the security log (the entries
    /// between the requested timestamps, fixed when the request arrives) into `remoteLocation` ([SEC] N01).
    /// A new request cancels one in progress.
    mutating func getLog(_ request: GetLogRequest) -> GetLogResponse {
        let replaced = logUpload != nil
        let location = request.log.remoteLocation.value
        let fileName: String
        let kind: Job.Kind
        switch request.logType {
        case .diagnosticsLog:
            fileName = UploadFileName.diagnosticsLog(identity: settings.identity, at: now.wallClock)
            kind = .uploadDiagnostics(url: location, fileName: fileName)
        case .securityLog:
            fileName = UploadFileName.securityLog(identity: settings.identity, at: now.wallClock)
            let text = self.securityLog
                .filter { event in
                    request.log.oldestTimestamp.map { event.timestamp >= $0 } ?? true
                        && request.log.latestTimestamp.map { event.timestamp <= $0 } ?? true
                }
                .map { $0.logLine + "\n" }.joined()
            kind = .uploadText(url: location, fileName: fileName, content: text)
        }
        logUpload = FileUpload(
            kind: .log(request.logType, requestId: request.requestId), fileName: fileName,
            schedule: UploadSchedule(kind, retries: request.retries, retryInterval: request.retryInterval))
        return GetLogResponse(status: replaced ? .acceptedCanceled : .accepted, filename: CiString<255>(fileName))
    }

    /// Moves firmware, diagnostics and log work along; called with every input.
    mutating func advanceFileJobs() {
        if var update = firmwareUpdate {
            let mayInstall = !transactions.values.contains(where: \.isActive)
            let steps = update.schedule.advance(at: now.wallClock, mayInstall: mayInstall, jobs: &jobs)
            firmwareUpdate = update
            report(steps, of: update)
        }
        // Through a key path only when there is an upload: this runs after every input.
        if diagnosticsUpload != nil { advanceUpload(\.diagnosticsUpload) }
        if logUpload != nil { advanceUpload(\.logUpload) }
    }

    private mutating func advanceUpload(_ slot: WritableKeyPath<Self, FileUpload?>) {
        guard var upload = self[keyPath: slot] else { return }
        let steps = upload.schedule.advance(at: now.wallClock, jobs: &jobs)
        self[keyPath: slot] = upload
        report(steps, of: upload, slot)
    }

    mutating func jobFinished(id: Int, _ outcome: JobOutcome) {
        if var update = firmwareUpdate {
            let steps = update.schedule.finished(id: id, outcome, at: now.wallClock, jobs: &jobs)
            firmwareUpdate = update.schedule.hasEnded ? nil : update
            report(steps, of: update)
        }
        uploadFinished(\.diagnosticsUpload, id: id, outcome)
        uploadFinished(\.logUpload, id: id, outcome)
    }

    private mutating func uploadFinished(_ slot: WritableKeyPath<Self, FileUpload?>, id: Int, _ outcome: JobOutcome) {
        guard var upload = self[keyPath: slot] else { return }
        let steps = upload.schedule.finished(id: id, outcome, at: now.wallClock)
        self[keyPath: slot] = upload
        report(steps, of: upload, slot)
    }

    /// Carries out the schedule's steps: jobs started, statuses sent (with the update they are about, which may
    /// have ended), the reboot after an installation.
    private mutating func report(_ steps: [FirmwareSchedule.Step], of update: FirmwareUpdate) {
        for step in steps {
            switch step {
            case .start(let job):
                emit(.start(job))
            case .downloading:
                notifyFirmware(.downloading, requestId: update.requestId)
            case .downloaded:
                notifyFirmware(.downloaded, requestId: update.requestId)
            case .downloadRetry(let reason, _):
                logger.warning("firmware download failed: \(reason)")
            case .downloadFailed(let reason):
                logger.warning("firmware download failed: \(reason)")
                notifyFirmware(.downloadFailed, requestId: update.requestId)
            case .signatureVerified:
                notifyFirmware(.signatureVerified, requestId: update.requestId)
            case .invalidSignature(let reason):
                logger.error("firmware refused: \(reason)")
                notifyFirmware(.invalidSignature, requestId: update.requestId)
                raiseSecurityEvent(.invalidFirmwareSignature, techInfo: reason)
            case .installScheduled:
                notifyFirmware(.installScheduled, requestId: update.requestId)
            case .installing:
                notifyFirmware(.installing, requestId: update.requestId)
            case .installed(let version):
                station.firmwareVersion = version.flatMap { CiString<50>(String($0.prefix(50))) } ?? station.firmwareVersion
                station.firmwareInstalledUnreported = true
                station.firmwareRequestId = update.requestId
                persist(.saveStation(station))
                if update.requestId != nil { notifyFirmware(.installRebooting, requestId: update.requestId) }
                logger.notice("firmware installed\(version.map { ": \($0)" } ?? ""); rebooting")
                // A graceful reboot: Installing and whatever is in flight reach the CSMS first.
                pendingReset = PendingReset(type: .soft, deadline: now.uptime + messageTimeout)
            case .installationFailed(let reason):
                logger.error("firmware installation failed: \(reason)")
                notifyFirmware(.installationFailed, requestId: update.requestId)
            }
        }
    }

    /// Carries out an upload's steps; an upload that succeeded or failed for good leaves its slot.
    private mutating func report(_ steps: [UploadSchedule.Step], of upload: FileUpload, _ slot: WritableKeyPath<Self, FileUpload?>) {
        for step in steps {
            switch step {
            case .start(let job):
                emit(.start(job))
            case .uploading:
                notifyUpload(upload.kind, .uploading)
            case .uploaded:
                self[keyPath: slot] = nil
                notifyUpload(upload.kind, .uploaded)
            case .retry(let reason, _):
                logger.warning("upload of \(upload.fileName) failed: \(reason)")
            case .failed(let reason):
                logger.warning("upload of \(upload.fileName) failed: \(reason)")
                self[keyPath: slot] = nil
                notifyUpload(upload.kind, .uploadFailure)
            }
        }
    }

    /// When a waiting firmware, diagnostics or log step is due, on the uptime clock.
    var nextFileJobStep: Duration? {
        var earliest: Timestamp?
        func consider(_ time: Timestamp?) {
            if let time, earliest.map({ time < $0 }) ?? true { earliest = time }
        }
        consider(firmwareUpdate?.schedule.nextInstant)
        consider(diagnosticsUpload?.schedule.retryAt)
        consider(logUpload?.schedule.retryAt)
        return earliest.map(now.uptime(at:))
    }

    /// The status TriggerMessage reports: Idle when nothing is in progress ([ERR] 3.46).
    var firmwareStatusForTrigger: FirmwareStatus {
        switch firmwareUpdate?.schedule.phase {
        case .downloading?: .downloading
        case .verifying?, .downloaded?: .downloaded
        case .installing?: .installing
        case .waiting?, .ended?, nil: .idle
        }
    }

    /// What ExtendedTriggerMessage's FirmwareStatusNotification reports, with the request it belongs to.
    var signedFirmwareStatusForTrigger: SignedFirmwareStatusNotificationRequest {
        guard let update = firmwareUpdate, let requestId = update.requestId else {
            return SignedFirmwareStatusNotificationRequest(status: firmwareStatusForTrigger.signed, requestId: nil)
        }
        let status: SignedFirmwareStatus =
            switch update.schedule.phase {
            case .waiting: .downloadScheduled
            case .downloading: .downloading
            case .verifying: .downloaded
            case .downloaded: update.schedule.installAt.map { $0 > now.wallClock } == true ? .installScheduled : .signatureVerified
            case .installing: .installing
            case .ended: .idle
            }
        return SignedFirmwareStatusNotificationRequest(status: status, requestId: requestId)
    }

    var diagnosticsStatusForTrigger: DiagnosticsStatus { diagnosticsUpload?.schedule.isUploading == true ? .uploading : .idle }

    /// What ExtendedTriggerMessage's LogStatusNotification reports ([SEC] N01: no requestId while idle).
    var logStatusForTrigger: LogStatusNotificationRequest {
        guard let upload = logUpload, upload.schedule.isUploading, case .log(_, let requestId) = upload.kind else {
            return LogStatusNotificationRequest(status: .idle, requestId: nil)
        }
        return LogStatusNotificationRequest(status: .uploading, requestId: requestId)
    }

    /// After the reboot that completed an installation, the CSMS hears Installed, and the security log
    /// FirmwareUpdated.
    mutating func reportInstalledFirmware() {
        guard station.firmwareInstalledUnreported else { return }
        let requestId = station.firmwareRequestId
        station.firmwareInstalledUnreported = false
        station.firmwareRequestId = nil
        persist(.saveStation(station))
        if let requestId {
            if isOnline { enqueue(SignedFirmwareStatusNotificationRequest(status: .installed, requestId: requestId), purpose: .informational) }
        } else {
            notifyFirmware(.installed, requestId: nil)
        }
        raiseSecurityEvent(.firmwareUpdated, techInfo: station.firmwareVersion.map { "firmware \($0.value)" })
    }

    /// Signed updates report with SignedFirmwareStatusNotification and their requestId, others with
    /// FirmwareStatusNotification.
    private mutating func notifyFirmware(_ status: SignedFirmwareStatus, requestId: Int?) {
        logger.info("firmware \(status.rawValue)")
        guard isOnline else { return }
        if let requestId {
            enqueue(SignedFirmwareStatusNotificationRequest(status: status, requestId: requestId), purpose: .informational)
        } else if let plain = FirmwareStatus(rawValue: status.rawValue) {
            enqueue(FirmwareStatusNotificationRequest(status: plain), purpose: .informational)
        }
    }

    private mutating func notifyUpload(_ kind: FileUpload.Kind, _ status: UploadLogStatus) {
        logger.info("upload \(status.rawValue)")
        guard isOnline else { return }
        switch kind {
        case .diagnostics:
            let plain: DiagnosticsStatus = switch status {
                case .uploading: .uploading
                case .uploaded: .uploaded
                default: .uploadFailed
            }
            enqueue(DiagnosticsStatusNotificationRequest(status: plain), purpose: .informational)
        case .log(_, let requestId):
            enqueue(LogStatusNotificationRequest(status: status, requestId: requestId), purpose: .informational)
        }
    }
}

extension FirmwareStatus {
    var signed: SignedFirmwareStatus { SignedFirmwareStatus(rawValue: rawValue)! }
}
