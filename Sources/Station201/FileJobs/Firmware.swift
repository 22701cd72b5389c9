import EngineSupport
import OCPP201

/// Functional block L: the shared `FirmwareSchedule` starts the transfers, the signature check and the
/// install hook as jobs; the engine reports each step with FirmwareStatusNotification and the request's id
/// [L01.FR.01/20], holds the installation back while transactions run [L01.FR.06/07], and reboots into the
/// new image, which reports Installed and the FirmwareUpdated event [L01.FR.31/32].
extension StationEngine {
    /// A download, check or installation is under way or scheduled.
    var firmwareUpdateRuns: Bool { firmware?.schedule != nil }

    /// The install hook runs: it cannot be stopped.
    var firmwareInstalling: Bool {
        if case .installing? = firmware?.schedule?.phase { true } else { false }
    }

    /// After a restart: the jobs of the previous run are gone, so what was under way starts again (an
    /// installation cut short counts as failed); holding idle EVSEs follows from the schedule again.
    mutating func resumeFirmwareUpdate() {
        guard var schedule = firmware?.schedule else { return }
        let steps = schedule.resumeAfterRestart(at: now.wallClock)
        keep(schedule)
        carryOut(steps)
    }

    /// Starts what is due and holds idle EVSEs from the moment the installation is due until it is over,
    /// while transactions run only without AllowNewSessionsPendingFirmwareUpdate [L01.FR.06/07]; called with
    /// every input.
    mutating func advanceFirmwareUpdate() {
        guard var schedule = firmware?.schedule else {
            availability.heldForFirmware = false
            return
        }
        let transactionsRun = evses.contains { $0.transaction != nil }
        let installDue = schedule.installIsDue(at: now.wallClock)
        if installDue, transactionsRun, firmware?.status != .installScheduled {
            logger.notice("firmware: the installation waits for the transactions to end")
            notifyFirmware(.installScheduled)
        }
        let steps = schedule.advance(at: now.wallClock, mayInstall: !transactionsRun, jobs: &jobs)
        if !steps.isEmpty { keep(schedule) }
        let allowNewSessions = deviceModel.boolean(StandardVariables.allowNewSessionsPendingFirmwareUpdate)
        availability.heldForFirmware = firmwareInstalling || installDue && !(transactionsRun && allowNewSessions)
        carryOut(steps)
    }

    mutating func firmwareJobFinished(id: Int, _ outcome: JobOutcome) {
        guard var schedule = firmware?.schedule else { return }
        let steps = schedule.finished(id: id, outcome, at: now.wallClock, jobs: &jobs)
        guard !steps.isEmpty else { return }
        keep(schedule)
        carryOut(steps)
    }

    /// The schedule's new state in the record (none once it has ended), persisted before what it caused is sent.
    private mutating func keep(_ schedule: FirmwareSchedule) {
        guard var record = firmware else { return }
        record.schedule = schedule.hasEnded ? nil : schedule
        firmware = record
        persist(.firmwareUpdate(record))
    }

    /// When the schedule next moves by the clock.
    var nextFirmwareInstant: Timestamp? { firmware?.schedule?.nextInstant }

    private mutating func carryOut(_ steps: [FirmwareSchedule.Step]) {
        for step in steps {
            switch step {
            case .start(let job):
                emit(.start(job))
            case .downloading:
                notifyFirmware(.downloading)
            case .downloaded:
                notifyFirmware(.downloaded)
            case .downloadRetry(let reason, let at):
                logger.warning("firmware: download failed (\(reason)); next try at \(at)")
            case .downloadFailed(let reason):
                logger.warning("firmware: download failed for good: \(reason)")
                notifyFirmware(.downloadFailed)
            case .signatureVerified:
                notifyFirmware(.signatureVerified)
            case .invalidSignature(let reason):
                logger.error("firmware: refused, the signature does not match: \(reason)")
                notifyFirmware(.invalidSignature)
                raiseSecurityEvent(.invalidFirmwareSignature, detail: reason)
            case .installScheduled:
                notifyFirmware(.installScheduled)
            case .installing:
                notifyFirmware(.installing)
            case .installed(let version):
                installed(version: version)
            case .installationFailed(let reason):
                logger.error("firmware: installation failed: \(reason)")
                notifyFirmware(.installationFailed)
            }
        }
    }

    /// The hook installed the image: InstallRebooting, then a graceful reboot (the Reset path: the queued
    /// messages go first) into a boot whose reason is FirmwareUpdate.
    private mutating func installed(version: String?) {
        logger.notice("firmware: installed\(version.map { " version \($0)" } ?? ""); rebooting")
        if let version, var record = firmware {
            record.installedVersion = String(version.prefix(50))
            firmware = record
        }
        notifyFirmware(.installRebooting)
        persist(.bootReason(.firmwareUpdate))
        rebootWhenDelivered()
    }

    /// After the reboot into the new image, once the CSMS accepted the boot: Installed, then the security
    /// event FirmwareUpdated [L01.FR.31/32].
    mutating func reportInstalledFirmware() {
        guard let record = firmware, record.awaitsBoot else { return }
        notifyFirmware(.installed)
        raiseSecurityEvent(.firmwareUpdated, detail: record.installedVersion.map { "firmware \($0)" })
    }

    /// Sends `status` for the current update and keeps it for TriggerMessage.
    mutating func notifyFirmware(_ status: FirmwareStatus) {
        guard var record = firmware else { return }
        logger.info("firmware: \(status.rawValue) (request \(record.requestId))")
        record.status = status
        firmware = record
        persist(.firmwareUpdate(record))
        outbox.enqueue(FirmwareStatusNotificationRequest(status: status, requestId: record.requestId), purpose: .informational)
    }

    /// What TriggerMessage(FirmwareStatusNotification) sends: Idle when no update runs and the last one ended
    /// installed [L01.FR.25], else the last status [L01.FR.26]. Idle carries the last request's id too (0
    /// before any): the spec allows leaving it out, but CitrineOS refuses a notification without one.
    var firmwareStatusForTrigger: FirmwareStatusNotificationRequest {
        guard let record = firmware else { return FirmwareStatusNotificationRequest(status: .idle, requestId: 0) }
        let status: FirmwareStatus = record.status == .installed ? .idle : record.status
        return FirmwareStatusNotificationRequest(status: status, requestId: record.requestId)
    }

    /// The firmware version the station reports: the last installation's, else the command line's.
    var firmwareVersion: CiString<50>? {
        firmware?.installedVersion.flatMap { CiString<50>($0) } ?? settings.description.firmwareVersion
    }

    /// BootNotification's description of the station, with the firmware it runs.
    var bootDescription: ChargingStation {
        var description = settings.description
        description.firmwareVersion = firmwareVersion
        return description
    }
}
