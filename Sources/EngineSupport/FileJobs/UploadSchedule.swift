import OCPPJ

/// One upload of a diagnostics archive or a log, as both protocols go it: tried at once, then again after
/// `retryInterval` until the attempts are spent. It starts the jobs and tells the engine each step.
public struct UploadSchedule: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        case start(Job)
        case uploading
        case uploaded
        /// A try failed; another one is due at the instant given.
        case retry(reason: String, at: Timestamp)
        /// Every try failed.
        case failed(reason: String)
    }

    /// The job each try runs (its id aside).
    public let kind: Job.Kind
    public let retryInterval: Int
    public private(set) var attemptsLeft: Int
    /// The try running now.
    public private(set) var job: Int?
    /// When the next try is due; nil while one runs.
    public private(set) var retryAt: Timestamp?

    public init(_ kind: Job.Kind, retries: Int?, retryInterval: Int?) {
        self.kind = kind
        self.retryInterval = TransferPolicy.retryInterval(retryInterval)
        attemptsLeft = TransferPolicy.attempts(retries: retries)
    }

    public var isUploading: Bool { job != nil }

    /// Starts a try when none runs and none waits for a later instant.
    public mutating func advance(at now: Timestamp, jobs: inout JobNumbers) -> [Step] {
        guard job == nil, retryAt.map({ $0 <= now }) ?? true else { return [] }
        let started = jobs.job(kind)
        job = started.id
        retryAt = nil
        return [.start(started), .uploading]
    }

    /// The outcome of job `id`; nothing when it is not this upload's running try.
    public mutating func finished(id: Int, _ outcome: JobOutcome, at now: Timestamp) -> [Step] {
        guard job == id else { return [] }
        job = nil
        switch outcome {
        case .succeeded:
            return [.uploaded]
        case .failed(let reason):
            attemptsLeft -= 1
            guard attemptsLeft > 0 else { return [.failed(reason: reason)] }
            let next = now.adding(seconds: retryInterval)
            retryAt = next
            return [.retry(reason: reason, at: next)]
        }
    }
}

/// The names of the files a station uploads, alike in both protocols: what they hold, the station, and the
/// instant they were asked for to the second, so that a CSMS can sort them.
public enum UploadFileName {
    /// 1.6's GetDiagnostics archive.
    public static func diagnostics(identity: String, at time: Timestamp) -> String {
        "diagnostics-\(identity)-\(stamp(time)).tar"
    }

    /// GetLog's DiagnosticsLog archive.
    public static func diagnosticsLog(identity: String, at time: Timestamp) -> String {
        "diagnostics-log-\(identity)-\(stamp(time)).tar"
    }

    /// GetLog's SecurityLog.
    public static func securityLog(identity: String, at time: Timestamp) -> String {
        "security-log-\(identity)-\(stamp(time)).log"
    }

    /// 20261128090000 for 2026-11-28T09:00:00Z.
    private static func stamp(_ time: Timestamp) -> String {
        String(time.iso8601.filter(\.isNumber).prefix(14))
    }
}
