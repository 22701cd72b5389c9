import Certificates
import OCPP16

/// An UpdateFirmware or SignedUpdateFirmware in progress.
struct FirmwareUpdate: Sendable, Equatable {
    enum Phase: Sendable, Equatable {
        /// Until retrieveDate, or until the next retry.
        case waiting(until: Timestamp)
        case downloading(job: Int)
        /// Downloaded; the signature is being checked.
        case verifying(job: Int)
        /// Ready; the installation waits for installDateTime and for the running transactions to end.
        case downloaded
        case installing(job: Int)
    }

    /// What makes an update a SignedUpdateFirmware ([SEC] L01).
    struct Signature: Sendable, Equatable {
        var requestId: Int
        var certificatePEM: String
        var bytes: [UInt8]
        var installAt: Timestamp?
    }

    var location: String
    var fileName: String
    var attemptsLeft: Int
    var retryInterval: Int
    var phase: Phase
    var signature: Signature?
}

/// A GetDiagnostics or GetLog upload in progress.
struct FileUpload: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case diagnostics
        /// The security log's text is fixed when the request arrives.
        case log(LogType, requestId: Int, securityLog: String?)
    }

    var kind: Kind
    var location: String
    var fileName: String
    var attemptsLeft: Int
    var retryInterval: Int
    var job: Int?
    var retryAt: Timestamp?
}

/// Firmware Management ([CORE] §5.9, §5.19, §6.14) and its secure variants ([SEC] L01, N01): transfers,
/// signature checks and the install hook run outside the engine as jobs; the engine keeps the schedule,
/// the retries and the status notifications.
extension ChargePointEngine {
    /// Answers `{}` and downloads from retrieveDate on, then installs once no transaction runs, then reboots;
    /// Installed is reported after the reboot. A new request replaces one in progress.
    mutating func updateFirmware(_ request: UpdateFirmwareRequest) -> EmptyResponse {
        firmwareUpdate = FirmwareUpdate(
            location: request.location, fileName: Self.fileName(in: request.location, fallback: "firmware.bin"),
            attemptsLeft: Self.attempts(retries: request.retries), retryInterval: Self.retryInterval(request.retryInterval),
            phase: .waiting(until: request.retrieveDate))
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
            location: firmware.location.value,
            fileName: Self.fileName(in: firmware.location.value, fallback: "firmware.bin"),
            attemptsLeft: Self.attempts(retries: request.retries), retryInterval: Self.retryInterval(request.retryInterval),
            phase: .waiting(until: firmware.retrieveDateTime),
            signature: .init(
                requestId: request.requestId, certificatePEM: firmware.signingCertificate.value, bytes: signature,
                installAt: firmware.installDateTime))
        logger.info("signed firmware update \(request.requestId) from \(firmware.location.value) at \(firmware.retrieveDateTime)")
        if firmware.retrieveDateTime > now.wallClock { notifyFirmware(.downloadScheduled) }
        return SignedUpdateFirmwareResponse(status: replaced ? .acceptedCanceled : .accepted)
    }

    /// Answers with the archive's name, then uploads it into `location`.
    mutating func getDiagnostics(_ request: GetDiagnosticsRequest) -> GetDiagnosticsResponse {
        let fileName = "diagnostics-\(settings.identity)-\(fileStamp).tar"
        diagnosticsUpload = FileUpload(
            kind: .diagnostics, location: request.location, fileName: fileName,
            attemptsLeft: Self.attempts(retries: request.retries), retryInterval: Self.retryInterval(request.retryInterval))
        return GetDiagnosticsResponse(fileName: CiString<255>(fileName))
    }

    /// Answers with the file's name, then uploads the diagnostics archive or the security log (the entries
    /// between the requested timestamps) into `remoteLocation` ([SEC] N01). A new request cancels one in progress.
    mutating func getLog(_ request: GetLogRequest) -> GetLogResponse {
        let replaced = logUpload != nil
        var securityLog: String?
        let fileName: String
        switch request.logType {
        case .diagnosticsLog:
            fileName = "diagnostics-log-\(settings.identity)-\(fileStamp).tar"
        case .securityLog:
            fileName = "security-log-\(settings.identity)-\(fileStamp).log"
            securityLog = self.securityLog
                .filter { event in
                    request.log.oldestTimestamp.map { event.timestamp >= $0 } ?? true
                        && request.log.latestTimestamp.map { event.timestamp <= $0 } ?? true
                }
                .map { $0.logLine + "\n" }.joined()
        }
        logUpload = FileUpload(
            kind: .log(request.logType, requestId: request.requestId, securityLog: securityLog),
            location: request.log.remoteLocation.value, fileName: fileName,
            attemptsLeft: Self.attempts(retries: request.retries), retryInterval: Self.retryInterval(request.retryInterval))
        return GetLogResponse(status: replaced ? .acceptedCanceled : .accepted, filename: CiString<255>(fileName))
    }

    private var fileStamp: String { String(now.wallClock.iso8601.filter { $0.isNumber }.prefix(14)) }

    /// Moves firmware, diagnostics and log work along; called with every input.
    mutating func advanceFileJobs() {
        if var update = firmwareUpdate {
            switch update.phase {
            case .waiting(let until) where until <= now.wallClock:
                update.phase = .downloading(job: startJob(.downloadFirmware(url: update.location, fileName: update.fileName)))
                firmwareUpdate = update
                notifyFirmware(.downloading)
            case .downloaded where !transactions.values.contains(where: \.isActive)
                && (update.signature?.installAt.map { $0 <= now.wallClock } ?? true):
                update.phase = .installing(job: startJob(.installFirmware(fileName: update.fileName)))
                firmwareUpdate = update
                notifyFirmware(.installing)
            default:
                break
            }
        }
        advanceUpload(\.diagnosticsUpload)
        advanceUpload(\.logUpload)
    }

    private mutating func advanceUpload(_ slot: WritableKeyPath<Self, FileUpload?>) {
        guard var upload = self[keyPath: slot], upload.job == nil, upload.retryAt.map({ $0 <= now.wallClock }) ?? true else {
            return
        }
        let kind: Job.Kind =
            if case .log(.securityLog, _, let text?) = upload.kind {
                .uploadText(url: upload.location, fileName: upload.fileName, content: text)
            } else {
                .uploadDiagnostics(url: upload.location, fileName: upload.fileName)
            }
        upload.job = startJob(kind)
        upload.retryAt = nil
        self[keyPath: slot] = upload
        notifyUpload(upload.kind, .uploading)
    }

    mutating func jobFinished(id: Int, _ outcome: JobOutcome) {
        if let update = firmwareUpdate { firmwareJobFinished(update, id: id, outcome) }
        uploadFinished(\.diagnosticsUpload, id: id, outcome)
        uploadFinished(\.logUpload, id: id, outcome)
    }

    private mutating func firmwareJobFinished(_ update: FirmwareUpdate, id: Int, _ outcome: JobOutcome) {
        var update = update
        switch (update.phase, outcome) {
        case (.downloading(id), .succeeded):
            notifyFirmware(.downloaded)
            if let signature = update.signature {
                update.phase = .verifying(
                    job: startJob(.verifyFirmware(fileName: update.fileName, certificatePEM: signature.certificatePEM, signature: signature.bytes)))
            } else {
                update.phase = .downloaded
            }
            firmwareUpdate = update
        case (.downloading(id), .failed(let reason)):
            update.attemptsLeft -= 1
            logger.warning("firmware download failed: \(reason)")
            if update.attemptsLeft > 0 {
                update.phase = .waiting(until: now.wallClock.adding(seconds: update.retryInterval))
                firmwareUpdate = update
            } else {
                firmwareUpdate = nil
                notifyFirmware(.downloadFailed, of: update)
            }
        case (.verifying(id), .succeeded):
            update.phase = .downloaded
            firmwareUpdate = update
            notifyFirmware(.signatureVerified)
            if let installAt = update.signature?.installAt, installAt > now.wallClock { notifyFirmware(.installScheduled) }
        case (.verifying(id), .failed(let reason)):
            firmwareUpdate = nil
            logger.error("firmware refused: \(reason)")
            notifyFirmware(.invalidSignature, of: update)
            raiseSecurityEvent(.invalidFirmwareSignature, techInfo: reason)
        case (.installing(id), .succeeded(let version)):
            station.firmwareVersion = version.flatMap { CiString<50>(String($0.prefix(50))) } ?? station.firmwareVersion
            station.firmwareInstalledUnreported = true
            station.firmwareRequestId = update.signature?.requestId
            persist(.saveStation(station))
            if update.signature != nil { notifyFirmware(.installRebooting) }
            firmwareUpdate = nil
            logger.notice("firmware installed\(version.map { ": \($0)" } ?? ""); rebooting")
            // A graceful reboot: Installing and whatever is in flight reach the CSMS first.
            pendingReset = PendingReset(type: .soft, deadline: now.uptime + messageTimeout)
        case (.installing(id), .failed(let reason)):
            firmwareUpdate = nil
            logger.error("firmware installation failed: \(reason)")
            notifyFirmware(.installationFailed, of: update)
        default:
            break
        }
    }

    private mutating func uploadFinished(_ slot: WritableKeyPath<Self, FileUpload?>, id: Int, _ outcome: JobOutcome) {
        guard var upload = self[keyPath: slot], upload.job == id else { return }
        switch outcome {
        case .succeeded:
            self[keyPath: slot] = nil
            notifyUpload(upload.kind, .uploaded)
        case .failed(let reason):
            upload.attemptsLeft -= 1
            logger.warning("upload of \(upload.fileName) failed: \(reason)")
            if upload.attemptsLeft > 0 {
                upload.job = nil
                upload.retryAt = now.wallClock.adding(seconds: upload.retryInterval)
                self[keyPath: slot] = upload
            } else {
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
        switch firmwareUpdate?.phase {
        case .waiting(let until)?: consider(until)
        case .downloaded?: consider(firmwareUpdate?.signature?.installAt)
        default: break
        }
        consider(diagnosticsUpload?.retryAt)
        consider(logUpload?.retryAt)
        return earliest.map(now.uptime(at:))
    }

    /// The status TriggerMessage reports: Idle when nothing is in progress ([ERR] 3.46).
    var firmwareStatusForTrigger: FirmwareStatus {
        switch firmwareUpdate?.phase {
        case .downloading?: .downloading
        case .verifying?, .downloaded?: .downloaded
        case .installing?: .installing
        case .waiting?, nil: .idle
        }
    }

    /// What ExtendedTriggerMessage's FirmwareStatusNotification reports, with the request it belongs to.
    var signedFirmwareStatusForTrigger: SignedFirmwareStatusNotificationRequest {
        guard let update = firmwareUpdate, let signature = update.signature else {
            return SignedFirmwareStatusNotificationRequest(status: firmwareStatusForTrigger.signed, requestId: nil)
        }
        let status: SignedFirmwareStatus =
            switch update.phase {
            case .waiting: .downloadScheduled
            case .downloading: .downloading
            case .verifying: .downloaded
            case .downloaded: signature.installAt.map { $0 > now.wallClock } == true ? .installScheduled : .signatureVerified
            case .installing: .installing
            }
        return SignedFirmwareStatusNotificationRequest(status: status, requestId: signature.requestId)
    }

    var diagnosticsStatusForTrigger: DiagnosticsStatus { diagnosticsUpload?.job == nil ? .idle : .uploading }

    /// What ExtendedTriggerMessage's LogStatusNotification reports ([SEC] N01: no requestId while idle).
    var logStatusForTrigger: LogStatusNotificationRequest {
        guard let upload = logUpload, upload.job != nil, case .log(_, let requestId, _) = upload.kind else {
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
            notifyFirmware(.installed)
        }
        raiseSecurityEvent(.firmwareUpdated, techInfo: station.firmwareVersion.map { "firmware \($0.value)" })
    }

    private mutating func startJob(_ kind: Job.Kind) -> Int {
        nextJobId += 1
        emit(.start(Job(id: nextJobId, kind: kind)))
        return nextJobId
    }

    /// Signed updates report with SignedFirmwareStatusNotification and their requestId, others with
    /// FirmwareStatusNotification. `update` is the one the status is about (by default the current one).
    private mutating func notifyFirmware(_ status: SignedFirmwareStatus, of update: FirmwareUpdate? = nil) {
        logger.info("firmware \(status.rawValue)")
        guard isOnline else { return }
        if let requestId = (update ?? firmwareUpdate)?.signature?.requestId {
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
        case .log(_, let requestId, _):
            enqueue(LogStatusNotificationRequest(status: status, requestId: requestId), purpose: .informational)
        }
    }

    /// The first try and the retries asked for, within reason (a CSMS may send any integer).
    static func attempts(retries: Int?) -> Int { 1 + min(max(retries ?? 0, 0), 100) }

    /// Seconds between tries, 60 when not given, at most a day.
    static func retryInterval(_ seconds: Int?) -> Int { min(max(seconds ?? 60, 0), 86_400) }

    /// The last path segment of a URL, reduced to safe file-name characters.
    static func fileName(in location: String, fallback: String) -> String {
        let path = location.split(separator: "?").first.map(String.init) ?? location
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        let safe = String(last.filter { $0.isLetter || $0.isNumber || "._-".contains($0) }.prefix(100))
        return safe.isEmpty || safe.hasPrefix(".") || last.contains(":") ? fallback : safe
    }
}

extension FirmwareStatus {
    var signed: SignedFirmwareStatus { SignedFirmwareStatus(rawValue: rawValue)! }
}

extension Timestamp {
    func adding(seconds: Int) -> Timestamp {
        Timestamp(millisecondsSince1970: millisecondsSince1970 + Int64(seconds) * 1000)
    }
}
