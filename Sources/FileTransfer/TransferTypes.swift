import Synchronization

/// Bounds for one transfer.
public struct TransferLimits: Sendable, Equatable {
    /// Time allowed for DNS, TCP connect and the TLS handshake.
    public var connectTimeout: Duration
    /// Time allowed for the whole transfer, connect and redirects included.
    /// Values below 1 ms count as 1 ms (libcurl reads 0 as "no limit", which we never want).
    public var totalTimeout: Duration
    /// Largest body a download may have. Enforced up front when the server announces the size
    /// (Content-Length, FTP SIZE) and while receiving otherwise. For uploads it caps the server's
    /// response body, which is discarded.
    public var maximumDownloadBytes: Int

    public init(connectTimeout: Duration = .seconds(10),
                totalTimeout: Duration = .seconds(300),
                maximumDownloadBytes: Int = 64 * 1024 * 1024) {
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maximumDownloadBytes = maximumDownloadBytes
    }
}

/// Cancels a running transfer from any thread. The transfer notices within about 100 ms and throws
/// `.cancelled`; a transfer started with an already cancelled token fails at once, without network.
/// One token may be shared by several transfers (cancelling stops all of them); it cannot be reset.
public final class TransferCancellation: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() {
        flag.store(true, ordering: .releasing)
    }

    public var isCancelled: Bool {
        flag.load(ordering: .acquiring)
    }
}

/// Why a transfer failed. `message` is for the operator's log: URLs in it are redacted (no
/// user:password, no query string), so it is safe to log and to report.
public struct TransferError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The scheme is not one of `FileTransfer.supportedSchemes` (also: a redirect to another
        /// scheme). Detected before any network access.
        case unsupportedScheme
        /// The URL (or the upload file name) cannot be used.
        case invalidURL
        /// DNS, TCP, TLS (including certificate verification) or the connection broke mid-transfer.
        case connectionFailed
        /// The HTTP server answered with this status (>= 400, or a final non-2xx status).
        case httpStatus(Int)
        /// The download is larger than `TransferLimits.maximumDownloadBytes`.
        case tooLarge
        /// `connectTimeout` or `totalTimeout` expired.
        case timedOut
        /// `TransferCancellation.cancel()` was called.
        case cancelled
        /// The local file could not be created, written, renamed or read.
        case fileSystem
        /// Anything else: FTP refusals (login, permission, missing file), too many redirects,
        /// libcurl failures. The message carries the details.
        case other
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
