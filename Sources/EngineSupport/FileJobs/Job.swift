import OCPPJ

/// Work that takes long and happens outside an engine: file transfers, the firmware signature check and the
/// install hook. Both station engines ask for the same jobs; the host runs them and hands back the outcome.
public struct Job: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// Download `url` into the firmware folder as `fileName`.
        case downloadFirmware(url: String, fileName: String)
        /// Run the install hook on the downloaded file.
        case installFirmware(fileName: String)
        /// Build a diagnostics archive named `fileName` and upload it into the directory `url`.
        case uploadDiagnostics(url: String, fileName: String)
        /// Upload `content` as `fileName` into the directory `url` (a security log).
        case uploadText(url: String, fileName: String, content: String)
        /// Check that `signature` (SHA-256) over the downloaded firmware `fileName` was made with the key
        /// of `certificatePEM`.
        case verifyFirmware(fileName: String, certificatePEM: String, signature: [UInt8])
    }

    public var id: Int
    public var kind: Kind

    public init(id: Int, kind: Kind) {
        self.id = id
        self.kind = kind
    }
}

public enum JobOutcome: Sendable, Equatable {
    /// For an installation: the firmware version it reports, if any.
    case succeeded(detail: String?)
    case failed(reason: String)
}

/// Hands out job ids, never the same twice in one process: an outcome that comes back for a job an engine
/// has given up on (a cancelled update), or for one an engine before a reboot started, then matches nothing.
public struct JobNumbers: Sendable, Equatable {
    public private(set) var last: Int

    /// - Parameter uptime: when the engine starts, on the monotonic clock. Ids begin at its milliseconds
    ///   × 1000, above every id the engine before a reboot can have handed out.
    public init(startingAt uptime: Duration) {
        // Seconds within 2^40 (35,000 years of uptime) keep the product inside Int.
        let (seconds, attoseconds) = uptime.components
        let milliseconds = Int(clamping: min(max(seconds, 0), 1 << 40)) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        last = milliseconds * 1000
    }

    public mutating func job(_ kind: Job.Kind) -> Job {
        last += 1
        return Job(id: last, kind: kind)
    }
}

/// How many times and how often a transfer is tried, and what the file is called, read the same way from
/// whatever integers a central system sends (1.6's UpdateFirmware and GetDiagnostics, 2.0.1's UpdateFirmware
/// and GetLog).
public enum TransferPolicy {
    /// The first try and the retries asked for, within reason: a central system may send any integer.
    public static func attempts(retries: Int?) -> Int { 1 + min(max(retries ?? 0, 0), 100) }

    /// Seconds between tries, 60 when not given, at most a day.
    public static func retryInterval(_ seconds: Int?) -> Int { min(max(seconds ?? 60, 0), 86_400) }

    /// The last path segment of a URL, reduced to safe file-name characters.
    public static func fileName(in location: String, fallback: String) -> String {
        let path = location.split(separator: "?").first.map(String.init) ?? location
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        let safe = String(last.filter { $0.isLetter || $0.isNumber || "._-".contains($0) }.prefix(100))
        return safe.isEmpty || safe.hasPrefix(".") || last.contains(":") ? fallback : safe
    }
}

extension Timestamp {
    /// `seconds` later; saturating, so that no integer a central system sends can trap.
    public func adding(seconds: Int) -> Timestamp {
        let (offset, overflow) = Int64(clamping: seconds).multipliedReportingOverflow(by: 1000)
        let (sum, overflowed) = millisecondsSince1970.addingReportingOverflow(offset)
        return Timestamp(millisecondsSince1970: overflow || overflowed ? (seconds < 0 ? .min : .max) : sum)
    }
}
