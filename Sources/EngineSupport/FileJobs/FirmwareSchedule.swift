import OCPPJ

/// One firmware update's way from a URL to an installed image, as both protocols go it: download from an
/// instant on, with retries; check the signature when there is one; install once `installAt` has come and the
/// engine allows it (no transaction runs). It starts the jobs and tells the engine each step, which the engine
/// reports in its own protocol's words.
public struct FirmwareSchedule: Sendable, Equatable, Codable {
    public enum Phase: Sendable, Equatable, Codable {
        /// Until the retrieve instant, or until the next retry.
        case waiting(until: Timestamp)
        case downloading(job: Int)
        /// Downloaded; the signature is being checked.
        case verifying(job: Int)
        /// Ready; the installation waits for `installAt` and for the engine's leave.
        case downloaded
        case installing(job: Int)
        /// Installed, failed, or refused: nothing more happens.
        case ended
    }

    /// What a secure update is checked against once downloaded.
    public struct Signature: Sendable, Equatable, Codable {
        public var certificatePEM: String
        public var bytes: [UInt8]

        public init(certificatePEM: String, bytes: [UInt8]) {
            self.certificatePEM = certificatePEM
            self.bytes = bytes
        }
    }

    /// What happened, for the engine to report.
    public enum Step: Sendable, Equatable {
        case start(Job)
        case downloading
        case downloaded
        /// A download failed and another try is due at the instant given.
        case downloadRetry(reason: String, at: Timestamp)
        /// Ended: every try failed.
        case downloadFailed(reason: String)
        case signatureVerified
        /// Ended: the file is not what the signature says.
        case invalidSignature(reason: String)
        /// Ready, and `installAt` lies ahead.
        case installScheduled
        case installing
        /// Ended: the hook installed it, reporting this version if it said one.
        case installed(version: String?)
        /// Ended.
        case installationFailed(reason: String)
    }

    public let location: String
    public let fileName: String
    public let retrieveAt: Timestamp
    public let installAt: Timestamp?
    public let retryInterval: Int
    public let signature: Signature?
    public private(set) var attemptsLeft: Int
    public private(set) var phase: Phase

    /// - Parameters:
    ///   - retries, retryInterval: as the central system sent them, any integer (`TransferPolicy` bounds them).
    public init(
        location: String, fileName: String, retrieveAt: Timestamp, installAt: Timestamp? = nil, retries: Int?,
        retryInterval: Int?, signature: Signature? = nil
    ) {
        self.location = location
        self.fileName = fileName
        self.retrieveAt = retrieveAt
        self.installAt = installAt
        self.retryInterval = TransferPolicy.retryInterval(retryInterval)
        self.signature = signature
        attemptsLeft = TransferPolicy.attempts(retries: retries)
        phase = .waiting(until: retrieveAt)
    }

    public var hasEnded: Bool { phase == .ended }

    /// The job running now, if any.
    public var runningJob: Int? {
        switch phase {
        case .downloading(let job), .verifying(let job), .installing(let job): job
        case .waiting, .downloaded, .ended: nil
        }
    }

    /// When the schedule next moves without a job's outcome: the download's instant, or the installation's.
    public var nextInstant: Timestamp? {
        switch phase {
        case .waiting(let until): until
        case .downloaded: installAt
        default: nil
        }
    }

    /// Whether the installation is due by the clock (the engine may still hold it back).
    public func installIsDue(at now: Timestamp) -> Bool {
        phase == .downloaded && installAt.map { $0 <= now } ?? true
    }

    /// Starts what is due at `now`: the download once its instant has come, the installation once it is
    /// due and `mayInstall`.
    public mutating func advance(at now: Timestamp, mayInstall: Bool, jobs: inout JobNumbers) -> [Step] {
        switch phase {
        case .waiting(let until) where until <= now:
            let job = jobs.job(.downloadFirmware(url: location, fileName: fileName))
            phase = .downloading(job: job.id)
            return [.start(job), .downloading]
        case .downloaded where mayInstall && installIsDue(at: now):
            let job = jobs.job(.installFirmware(fileName: fileName))
            phase = .installing(job: job.id)
            return [.start(job), .installing]
        default:
            return []
        }
    }

    /// The outcome of job `id`; nothing when it is not this schedule's running job.
    public mutating func finished(id: Int, _ outcome: JobOutcome, at now: Timestamp, jobs: inout JobNumbers) -> [Step] {
        switch (phase, outcome) {
        case (.downloading(id), .succeeded):
            guard let signature else { return [.downloaded] + ready(at: now) }
            let job = jobs.job(
                .verifyFirmware(fileName: fileName, certificatePEM: signature.certificatePEM, signature: signature.bytes))
            phase = .verifying(job: job.id)
            return [.downloaded, .start(job)]
        case (.downloading(id), .failed(let reason)):
            attemptsLeft -= 1
            guard attemptsLeft > 0 else {
                phase = .ended
                return [.downloadFailed(reason: reason)]
            }
            let retryAt = now.adding(seconds: retryInterval)
            phase = .waiting(until: retryAt)
            return [.downloadRetry(reason: reason, at: retryAt)]
        case (.verifying(id), .succeeded):
            return [.signatureVerified] + ready(at: now)
        case (.verifying(id), .failed(let reason)):
            phase = .ended
            return [.invalidSignature(reason: reason)]
        case (.installing(id), .succeeded(let version)):
            phase = .ended
            return [.installed(version: version)]
        case (.installing(id), .failed(let reason)):
            phase = .ended
            return [.installationFailed(reason: reason)]
        default:
            return []
        }
    }

    /// After a restart the jobs of the previous run are gone: a download or check in progress starts again
    /// from the download (now), and an installation in progress counts as failed, since whether the hook
    /// finished is unknown.
    public mutating func resumeAfterRestart(at now: Timestamp) -> [Step] {
        switch phase {
        case .downloading, .verifying:
            phase = .waiting(until: now)
            return []
        case .installing:
            phase = .ended
            return [.installationFailed(reason: "the station restarted during the installation")]
        case .waiting, .downloaded, .ended:
            return []
        }
    }

    private mutating func ready(at now: Timestamp) -> [Step] {
        phase = .downloaded
        return installAt.map { $0 > now } == true ? [.installScheduled] : []
    }
}
