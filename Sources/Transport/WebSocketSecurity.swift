import Certificates

/// How the client proves who it is and decides whom to trust: the transport half of the OCPP security
/// profiles (Basic auth for 1 and 2, TLS with a verified server for 2 and 3, a client certificate for 3).
/// Material is held as PEM text, so a change is seen by comparing values, and nothing secret is written
/// to disk by the transport.
public struct WebSocketSecurity: Sendable, Equatable, CustomStringConvertible {
    public struct BasicCredentials: Sendable, Equatable {
        public var user: String
        /// Raw bytes: OCPP implementations differ on whether the AuthorizationKey is sent as typed or hex-decoded.
        public var password: [UInt8]

        public init(user: String, password: [UInt8]) {
            self.user = user
            self.password = password
        }
    }

    /// Sent as `Authorization: Basic base64(user:password)` with the upgrade request.
    public var basicAuth: BasicCredentials?
    /// TLS even when the URL says `ws://` (same host, port and path).
    public var requireTLS: Bool
    /// The only certificates trusted for the server; nil trusts the system's CAs.
    public var trustedCertificatesPEM: String?
    /// The client certificate (leaf first, then intermediates) and its private key, for mutual TLS.
    public var clientCertificateChainPEM: String?
    public var clientKeyPEM: String?

    public init(
        basicAuth: BasicCredentials? = nil, requireTLS: Bool = false, trustedCertificatesPEM: String? = nil,
        clientCertificateChainPEM: String? = nil, clientKeyPEM: String? = nil
    ) {
        self.basicAuth = basicAuth
        self.requireTLS = requireTLS
        self.trustedCertificatesPEM = trustedCertificatesPEM
        self.clientCertificateChainPEM = clientCertificateChainPEM
        self.clientKeyPEM = clientKeyPEM
    }

    public static let none = WebSocketSecurity()

    /// Says what is configured, never the secrets themselves.
    public var description: String {
        var parts: [String] = []
        if let basicAuth { parts.append("basic auth as \(basicAuth.user)") }
        if requireTLS { parts.append("TLS required") }
        parts.append(trustedCertificatesPEM == nil ? "system CAs" : "own trusted CAs")
        if clientCertificateChainPEM != nil { parts.append("client certificate") }
        return parts.joined(separator: ", ")
    }

    /// The `Authorization` header value for `basicAuth`.
    var authorizationHeader: String? {
        guard let basicAuth else { return nil }
        return "Basic " + Base64.encode(Array(basicAuth.user.utf8) + [UInt8(ascii: ":")] + basicAuth.password)
    }
}

/// Why a connection attempt failed for a security reason: what the OCPP security events report.
public enum LinkSecurityFailure: String, Sendable, Equatable {
    /// The server refused our credentials: HTTP 401 or our client certificate.
    case credentialsRejected
    /// The server's certificate is untrusted, expired or for another host.
    case serverCertificateRejected
    /// The server offers only TLS versions below 1.2.
    case tlsVersionRefused
    /// No cipher suite in common.
    case tlsCipherRefused

    /// Reads the failure from the HTTP status of the upgrade answer, the TLS alerts of the handshake
    /// (RFC 8446 §6.2) and, failing those, OpenSSL's error text.
    /// A 401 counts only when we sent credentials: CitrineOS also answers 401 while an old connection of
    /// the same identity lingers.
    static func classify(
        httpStatus: Int, sentCredentials: Bool, alertSent: Int32?, alertReceived: Int32?, tlsError: String?
    ) -> LinkSecurityFailure? {
        if httpStatus == 401 { return sentCredentials ? .credentialsRejected : nil }
        switch alertSent {
        case 70: return .tlsVersionRefused                       // protocol_version
        case 40, 71: return .tlsCipherRefused                     // handshake_failure, insufficient_security
        case 42, 43, 44, 45, 46, 48, 49: return .serverCertificateRejected   // bad/unsupported/revoked/expired/unknown certificate, unknown_ca, access_denied
        default: break
        }
        switch alertReceived {
        case 70: return .tlsVersionRefused
        case 40, 71: return .tlsCipherRefused
        case 42, 43, 44, 45, 46, 48, 49, 116: return .credentialsRejected  // the server refused our certificate
        default: break
        }
        guard let text = tlsError?.lowercased() else { return nil }
        let markers: [(LinkSecurityFailure, [String])] = [
            (.tlsVersionRefused, ["unsupported protocol", "protocol version", "wrong version number", "no protocols available"]),
            (.tlsCipherRefused, ["no shared cipher", "no ciphers available", "no cipher match"]),
            (.credentialsRejected, [
                "certificate required", "alert bad certificate", "alert unknown ca", "alert certificate unknown",
                "alert access denied", "alert certificate expired", "alert certificate revoked",
            ]),
            (.serverCertificateRejected, [
                "certificate verify failed", "hostname mismatch", "ip address mismatch", "certificate has expired",
                "self-signed", "self signed", "unable to get local issuer", "not yet valid", "unable to verify",
            ]),
        ]
        return markers.first { _, needles in needles.contains { text.contains($0) } }?.0
    }
}
