import Glibc

/// An error from configuring or starting the HTTP server. `description` is meant for the operator.
public struct HTTPServerError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: Sendable, Equatable {
        /// `parse(listenAddress:)` could not understand the address.
        case invalidListenAddress
        /// The host is neither an IP literal nor a resolvable name.
        case invalidHost
        /// The configuration itself is unusable (negative sizes and the like).
        case invalidConfiguration
        /// The daemon could not start: address in use, permission denied, ...
        case startFailed
        /// `start()` was called twice, or after `stop()`.
        case invalidState
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// A server certificate (chain) and its private key, both PEM text as read from their files. The key
/// must not be encrypted. libmicrohttpd hands them to GnuTLS, which accepts TLS 1.2 and 1.3 only here.
public struct TLSCredentials: Sendable, CustomStringConvertible {
    public var certificatePEM: String
    public var keyPEM: String

    public init(certificatePEM: String, keyPEM: String) {
        self.certificatePEM = certificatePEM
        self.keyPEM = keyPEM
    }

    /// Never the key, should the configuration ever be printed.
    public var description: String { "TLSCredentials(certificate: \(certificatePEM.utf8.count) bytes, key: redacted)" }
}

public struct HTTPServerConfiguration: Sendable {
    /// "127.0.0.1", "0.0.0.0", "::1", "::" (IPv4 and IPv6 on one socket), "localhost" or a resolvable name.
    public var host: String
    /// 0 picks a free port; read `HTTPServer.boundPort` after `start()`.
    public var port: UInt16
    /// A request body larger than this is refused with 413 before it is buffered.
    public var maximumBodySize: Int
    /// Maximum simultaneous connections. A newcomer past it takes the place of the oldest connection
    /// that has not delivered its request yet (see `ConnectionAdmission`).
    public var connectionLimit: Int
    /// Maximum simultaneous connections from one client address, with the same rule.
    public var connectionLimitPerAddress: Int
    /// A connection must deliver a whole request (headers and body) within this many seconds of opening
    /// or of its previous answer, however steadily it trickles bytes.
    public var requestTimeoutSeconds: Int
    /// Stalled connections (no byte in either direction) are dropped after this many seconds. Connections
    /// waiting for an answer or an event stream waiting for data are suspended and do not time out.
    public var connectionTimeoutSeconds: Int
    /// Per-connection memory pool (request line, headers, read and write buffers).
    public var connectionMemoryLimit: Int
    /// Number of MHD worker threads (1 = a single internal polling thread).
    public var threadPoolSize: Int
    /// How long `stop()` waits for answered and finishing connections to flush before closing them.
    public var shutdownGraceMilliseconds: Int
    /// Serve HTTPS with this certificate and key instead of plain HTTP.
    public var tls: TLSCredentials?
    /// The request headers the handler reads (names in any case): only those are copied out of
    /// libmicrohttpd into `HTTPRequest.headers`, which for a small read is a large part of its cost.
    /// nil copies every header.
    public var requestHeaders: [String]?

    public init(
        host: String = "127.0.0.1",
        port: UInt16 = 0,
        maximumBodySize: Int = 64 * 1024,
        connectionLimit: Int = 256,
        connectionLimitPerAddress: Int = 128,
        requestTimeoutSeconds: Int = 10,
        connectionTimeoutSeconds: Int = 30,
        connectionMemoryLimit: Int = 64 * 1024,
        threadPoolSize: Int = 2,
        shutdownGraceMilliseconds: Int = 1000,
        tls: TLSCredentials? = nil,
        requestHeaders: [String]? = nil
    ) {
        self.host = host
        self.port = port
        self.maximumBodySize = maximumBodySize
        self.connectionLimit = connectionLimit
        self.connectionLimitPerAddress = connectionLimitPerAddress
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.connectionMemoryLimit = connectionMemoryLimit
        self.threadPoolSize = threadPoolSize
        self.shutdownGraceMilliseconds = shutdownGraceMilliseconds
        self.tls = tls
        self.requestHeaders = requestHeaders
    }

    /// Splits "host:port". Accepted: "127.0.0.1:8080", "0.0.0.0:80", "localhost:8080", "[::1]:8080",
    /// "[::]:0". A host is required (":8080" is refused: say "0.0.0.0:8080" to listen everywhere),
    /// IPv6 literals must be bracketed, and the port must be a decimal number 0...65535.
    /// The returned host has no brackets ("::1").
    public static func parse(listenAddress: String) throws(HTTPServerError) -> (host: String, port: UInt16) {
        func fail(_ why: String) -> HTTPServerError {
            HTTPServerError(.invalidListenAddress,
                            "invalid listen address \"\(listenAddress)\": \(why) (expected host:port, e.g. 127.0.0.1:8080 or [::1]:8080)")
        }
        let text = listenAddress
        guard !text.isEmpty else { throw fail("it is empty") }
        guard !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "/" }) else {
            throw fail("it contains a space or a slash")
        }

        let host: String
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw fail("missing ']'") }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { throw fail("missing ':port' after ']'") }
            portText = rest.dropFirst()
            guard !host.isEmpty else { throw fail("the host is empty") }
            guard isIPv6Literal(host) else { throw fail("\"\(host)\" is not an IPv6 address") }
        } else {
            let colons = text.filter { $0 == ":" }.count
            guard colons > 0 else { throw fail("missing ':port'") }
            guard colons == 1 else { throw fail("an IPv6 address must be written in brackets, e.g. [::1]:8080") }
            let colon = text.firstIndex(of: ":")!
            host = String(text[..<colon])
            portText = text[text.index(after: colon)...]
            guard !host.isEmpty else { throw fail("the host is missing (use 0.0.0.0:port to listen on every interface)") }
            let allowed = host.unicodeScalars.allSatisfy { scalar in
                (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z")
                    || (scalar >= "0" && scalar <= "9") || scalar == "." || scalar == "-" || scalar == "_"
            }
            guard allowed else { throw fail("\"\(host)\" is not a valid host name") }
        }
        guard !portText.isEmpty else { throw fail("the port is missing") }
        guard portText.count <= 5, portText.allSatisfy({ $0 >= "0" && $0 <= "9" }), let value = Int(portText),
              value <= 65535 else {
            throw fail("the port must be a number from 0 to 65535")
        }
        return (host, UInt16(value))
    }

    static func isIPv6Literal(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET6, text, &address) == 1
    }
}
