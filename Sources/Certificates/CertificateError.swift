/// Why a certificate, key or signature operation failed.
///
/// The texts never contain key material: at most what kind of input was rejected and OpenSSL's own
/// reason (its error queue, e.g. "error:0480006C:PEM routines::no start line").
public enum CertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input could not be parsed: what it was and why.
    case malformed(String)
    /// Chain verification failed; `reason` is OpenSSL's verify error string, e.g. "certificate has expired".
    case untrusted(reason: String)
    /// A key could not be generated or encoded.
    case keyGeneration(String)
    /// A file could not be opened or read (`reason` is the system's error text).
    case unreadable(path: String, reason: String)
    /// A certificate signing request could not be built: the subject was rejected (empty, too long)
    /// or signing failed.
    case signingRequest(String)

    public var description: String {
        switch self {
        case .malformed(let what): "malformed input: \(what)"
        case .untrusted(let reason): "certificate is not trusted: \(reason)"
        case .keyGeneration(let what): "key generation failed: \(what)"
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .signingRequest(let what): "cannot create the certificate signing request: \(what)"
        }
    }
}
