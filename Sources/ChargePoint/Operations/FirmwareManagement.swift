import OCPP16

/// An UpdateFirmware in progress.
struct FirmwareUpdate: Sendable, Equatable {
    enum Phase: Sendable, Equatable {
        /// Until retrieveDate, or until the next retry.
        case waiting(until: Timestamp)
        case downloading(job: Int)
        /// Downloaded; the installation waits for the running transactions to end.
        case downloaded
        case installing(job: Int)
    }

    var location: String
    var fileName: String
    var attemptsLeft: Int
    var retryInterval: Int
    var phase: Phase
}

/// A GetDiagnostics in progress.
struct DiagnosticsUpload: Sendable, Equatable {
    var location: String
    var fileName: String
    var attemptsLeft: Int
    var retryInterval: Int
    var job: Int?
    var retryAt: Timestamp?
}

/// Firmware Management ([CORE] §5.9, §5.19, §6.14): transfers and the install hook run outside the
/// engine as jobs; the engine keeps the schedule, the retries and the status notifications.
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

    /// Answers with the archive's name, then uploads it into `location`.
    mutating func getDiagnostics(_ request: GetDiagnosticsRequest) -> GetDiagnosticsResponse {
        let stamp = now.wallClock.iso8601.filter { $0.isNumber }.prefix(14)
        let fileName = "diagnostics-\(settings.identity)-\(stamp).tar"
        diagnosticsUpload = DiagnosticsUpload(
            location: request.location, fileName: fileName, attemptsLeft: Self.attempts(retries: request.retries),
            retryInterval: Self.retryInterval(request.retryInterval), job: nil, retryAt: nil)
        return GetDiagnosticsResponse(fileName: CiString<255>(fileName))
    }

    /// Moves firmware and diagnostics work along; called with every input.
    mutating func advanceFileJobs() {
        if var update = firmwareUpdate {
            switch update.phase {
            case .waiting(let until) where until <= now.wallClock:
                update.phase = .downloading(job: startJob(.downloadFirmware(url: update.location, fileName: update.fileName)))
                firmwareUpdate = update
                notifyFirmware(.downloading)
            case .downloaded where !transactions.values.contains(where: \.isActive):
                update.phase = .installing(job: startJob(.installFirmware(fileName: update.fileName)))
                firmwareUpdate = update
                notifyFirmware(.installing)
            default:
                break
            }
        }
        if var upload = diagnosticsUpload, upload.job == nil, (upload.retryAt.map { $0 <= now.wallClock } ?? true) {
            upload.job = startJob(.uploadDiagnostics(url: upload.location, fileName: upload.fileName))
            upload.retryAt = nil
            diagnosticsUpload = upload
            notifyDiagnostics(.uploading)
        }
    }

    mutating func jobFinished(id: Int, _ outcome: JobOutcome) {
        if var update = firmwareUpdate {
            switch (update.phase, outcome) {
            case (.downloading(id), .succeeded):
                update.phase = .downloaded
                firmwareUpdate = update
                notifyFirmware(.downloaded)
            case (.downloading(id), .failed(let reason)):
                update.attemptsLeft -= 1
                logger.warning("firmware download failed: \(reason)")
                if update.attemptsLeft > 0 {
                    update.phase = .waiting(until: now.wallClock.adding(seconds: update.retryInterval))
                    firmwareUpdate = update
                } else {
                    firmwareUpdate = nil
                    notifyFirmware(.downloadFailed)
                }
            case (.installing(id), .succeeded(let version)):
                firmwareUpdate = nil
                station.firmwareVersion = version.flatMap { CiString<50>(String($0.prefix(50))) } ?? station.firmwareVersion
                station.firmwareInstalledUnreported = true
                persist(.saveStation(station))
                logger.notice("firmware installed\(version.map { ": \($0)" } ?? ""); rebooting")
                // A graceful reboot: Installing and whatever is in flight reach the CSMS first.
                pendingReset = PendingReset(type: .soft, deadline: now.uptime + messageTimeout)
            case (.installing(id), .failed(let reason)):
                firmwareUpdate = nil
                logger.error("firmware installation failed: \(reason)")
                notifyFirmware(.installationFailed)
            default:
                break
            }
        }
        if var upload = diagnosticsUpload, upload.job == id {
            switch outcome {
            case .succeeded:
                diagnosticsUpload = nil
                notifyDiagnostics(.uploaded)
            case .failed(let reason):
                upload.attemptsLeft -= 1
                logger.warning("diagnostics upload failed: \(reason)")
                if upload.attemptsLeft > 0 {
                    upload.job = nil
                    upload.retryAt = now.wallClock.adding(seconds: upload.retryInterval)
                    diagnosticsUpload = upload
                } else {
                    diagnosticsUpload = nil
                    notifyDiagnostics(.uploadFailed)
                }
            }
        }
    }

    /// When a waiting firmware or diagnostics step is due, on the uptime clock.
    var nextFileJobStep: Duration? {
        var times: [Timestamp] = []
        if case .waiting(let until)? = firmwareUpdate?.phase { times.append(until) }
        if let retryAt = diagnosticsUpload?.retryAt { times.append(retryAt) }
        return times.min().map { now.uptime + .milliseconds(max(0, $0.millisecondsSince1970 - now.wallClock.millisecondsSince1970)) }
    }

    /// The status TriggerMessage reports: Idle when nothing is in progress ([ERR] 3.46).
    var firmwareStatusForTrigger: FirmwareStatus {
        switch firmwareUpdate?.phase {
        case .downloading?: .downloading
        case .downloaded?: .downloaded
        case .installing?: .installing
        case .waiting?, nil: .idle
        }
    }

    var diagnosticsStatusForTrigger: DiagnosticsStatus { diagnosticsUpload?.job == nil ? .idle : .uploading }

    /// After the reboot that completed an installation, the CSMS hears Installed.
    mutating func reportInstalledFirmware() {
        guard station.firmwareInstalledUnreported else { return }
        station.firmwareInstalledUnreported = false
        persist(.saveStation(station))
        notifyFirmware(.installed)
    }

    private mutating func startJob(_ kind: Job.Kind) -> Int {
        nextJobId += 1
        emit(.start(Job(id: nextJobId, kind: kind)))
        return nextJobId
    }

    private mutating func notifyFirmware(_ status: FirmwareStatus) {
        logger.info("firmware \(status.rawValue)")
        if isOnline { enqueue(FirmwareStatusNotificationRequest(status: status), purpose: .informational) }
    }

    private mutating func notifyDiagnostics(_ status: DiagnosticsStatus) {
        logger.info("diagnostics \(status.rawValue)")
        if isOnline { enqueue(DiagnosticsStatusNotificationRequest(status: status), purpose: .informational) }
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

extension Timestamp {
    func adding(seconds: Int) -> Timestamp {
        Timestamp(millisecondsSince1970: millisecondsSince1970 + Int64(seconds) * 1000)
    }
}
