import Certificates

/// The station's certificate for security profile 3 as the CSMS signed it [A02, A03], leaf first, with the key
/// its CSR was made for. The key never leaves the station: not in a log line, not through the API.
public struct SignedStationCertificate: Codable, Sendable, Equatable, CustomStringConvertible {
    public var chainPEM: String
    public var keyPEM: String

    public init(chainPEM: String, keyPEM: String) {
        self.chainPEM = chainPEM
        self.keyPEM = keyPEM
    }

    public var description: String { "SignedStationCertificate(chain: \(chainPEM.utf8.count) bytes, key: redacted)" }
}

/// A CSR sent for a new key and not yet answered by a CertificateSigned: the key waits for its certificate.
public struct PendingCertificateRequest: Codable, Sendable, Equatable, CustomStringConvertible {
    public var csr: String
    public var keyPEM: String

    public init(csr: String, keyPEM: String) {
        self.csr = csr
        self.keyPEM = keyPEM
    }

    public var description: String { "PendingCertificateRequest(key: redacted)" }
}

/// A02's resends: without a CertificateSigned within CertSigningWaitMinimum of the answer to SignCertificate,
/// the CSR goes again, the wait doubling each time, at most CertSigningRepeatTimes times; then the station
/// waits for a trigger [A02.FR.17–19]. The same CSR goes again, so a CertificateSigned for an earlier
/// sending still fits its key.
struct CertificateSigning: Sendable {
    /// The request waiting for its certificate.
    private(set) var pending: PendingCertificateRequest?
    /// When the CSR goes again.
    private(set) var resendAt: Duration?
    /// The resends made for the pending request.
    private var resends = 0

    init(restoring pending: PendingCertificateRequest?) {
        self.pending = pending
    }

    /// A new key and CSR: the resends start over.
    mutating func started(_ request: PendingCertificateRequest) {
        pending = request
        resendAt = nil
        resends = 0
    }

    /// SignCertificate was answered (or went unanswered): the wait for the certificate starts.
    mutating func waitForCertificate(from now: Duration, waitMinimumSeconds: Int, repeatTimes: Int) {
        guard pending != nil, resends < repeatTimes else {
            resendAt = nil
            return
        }
        let doublings = min(resends, 30)
        resendAt = now + .seconds(max(0, waitMinimumSeconds)) * (1 << doublings)
    }

    /// The resend is due and goes now; returns the CSR to send.
    mutating func resend() -> String? {
        guard let pending else { return nil }
        resends += 1
        resendAt = nil
        return pending.csr
    }

    /// The CSMS refused to sign, or the certificate came: no more resends.
    mutating func finished() {
        pending = nil
        resendAt = nil
        resends = 0
    }
}
