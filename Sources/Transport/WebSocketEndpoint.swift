/// Errors thrown by `WebSocketClient.init` / `WebSocketEndpoint.init(parsing:)`.
public enum WebSocketClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The URL cannot be used; `reason` says why in plain words.
    case invalidURL(String, reason: String)
    /// Some other configuration value is out of range.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case let .invalidURL(url, reason): return "invalid websocket URL '\(url)': \(reason)"
        case let .invalidConfiguration(message): return "invalid websocket configuration: \(message)"
        }
    }
}

/// A parsed `ws://` / `wss://` URL.
///
/// Accepted: scheme `ws` or `wss` (any case); host as a DNS name / IPv4 literal
/// (letters, digits, `-`, `.`, `_`) or a bracketed IPv6 literal (`[::1]`, no zone id);
/// optional `:port` 1...65535 (default 80 / 443); optional path (default `/`), which may
/// carry a query. Rejected: user-info (`user@host`, credentials come from configuration),
/// fragments (`#`, forbidden by RFC 6455), spaces/control characters, empty host.
public struct WebSocketEndpoint: Sendable, Equatable, CustomStringConvertible {
    public let secure: Bool
    /// Host to resolve/connect to; IPv6 without brackets.
    public let host: String
    public let port: Int
    /// Request target including any query, always starting with `/`.
    public let path: String

    public init(parsing url: String) throws(WebSocketClientError) {
        func fail(_ reason: String) -> WebSocketClientError { .invalidURL(url, reason: reason) }

        guard let schemeEnd = url.utf8.firstIndex(of: UInt8(ascii: ":")),
              url[schemeEnd...].hasPrefix("://")
        else { throw fail("expected ws://host[:port]/path or wss://host[:port]/path") }
        switch url[..<schemeEnd].lowercased() {
        case "ws": secure = false
        case "wss": secure = true
        default: throw fail("scheme must be ws or wss, not '\(url[..<schemeEnd])'")
        }
        if url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            throw fail("contains spaces or control characters")
        }
        if url.contains("#") { throw fail("fragments (#...) are not allowed in websocket URLs") }

        let rest = url[url.index(schemeEnd, offsetBy: 3)...]
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var target = String(rest[authorityEnd...])
        if target.isEmpty { target = "/" } else if target.hasPrefix("?") { target = "/" + target }
        path = target

        if authority.contains("@") { throw fail("user-info (user@host) is not supported in the URL") }
        if authority.isEmpty { throw fail("missing host") }

        let hostPart: Substring
        let portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("unterminated IPv6 literal") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.isEmpty {
                portPart = nil
            } else if after.hasPrefix(":") {
                portPart = after.dropFirst()
            } else {
                throw fail("unexpected characters after IPv6 literal")
            }
            let allowed = hostPart.allSatisfy { $0.isASCII && ($0.isHexDigit || $0 == ":" || $0 == ".") }
            guard hostPart.contains(":"), allowed else {
                throw fail("malformed IPv6 literal (zone ids are not supported)")
            }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                hostPart = authority[..<colon]
                portPart = authority[authority.index(after: colon)...]
            } else {
                hostPart = authority
                portPart = nil
            }
            guard !hostPart.isEmpty else { throw fail("missing host") }
            let ok = hostPart.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                    || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_")
            }
            guard ok else { throw fail("host '\(hostPart)' contains characters not allowed in a host name") }
        }
        host = String(hostPart)

        if let portPart {
            guard !portPart.isEmpty, portPart.count <= 5, portPart.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(portPart), (1...65535).contains(value)
            else { throw fail("port must be a number between 1 and 65535") }
            port = value
        } else {
            port = secure ? 443 : 80
        }
    }

    public var defaultPort: Int { secure ? 443 : 80 }

    /// Value for the HTTP `Host` header: brackets for IPv6, port only when not the default.
    public var hostHeader: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port == defaultPort ? h : "\(h):\(port)"
    }

    public var description: String { "\(secure ? "wss" : "ws")://\(hostHeader)\(path)" }
}
