/// The hash algorithms OCPP's CertificateHashData allows (`hashAlgorithm` on the wire).
public enum HashAlgorithm: String, Sendable, CaseIterable {
    case sha256 = "SHA256"
    case sha384 = "SHA384"
    case sha512 = "SHA512"
}

/// OCPP CertificateHashData, as strings ready for the wire.
///
/// It is the OCSP CertID of a certificate (RFC 6960 §4.1.1), which is how the Central System names
/// an installed certificate in GetInstalledCertificateIds and DeleteCertificate. Two hash data
/// describe the same certificate only if all four fields are equal, so every field has one exact
/// spelling: lowercase hex, no separators.
public struct CertificateHashes: Sendable, Equatable, Hashable {
    public var hashAlgorithm: HashAlgorithm
    /// Lowercase hex of the hash of the DER of the issuer's distinguished name.
    public var issuerNameHash: String
    /// Lowercase hex of the hash of the issuer's public key (the contents of the subjectPublicKey
    /// BIT STRING, without its unused-bits octet), as OpenSSL's `X509_pubkey_digest` and OCSP compute it.
    public var issuerKeyHash: String
    /// Lowercase hex of the serial number, no "0x", no leading zeros ("0" for zero).
    public var serialNumber: String

    public init(hashAlgorithm: HashAlgorithm, issuerNameHash: String, issuerKeyHash: String, serialNumber: String) {
        self.hashAlgorithm = hashAlgorithm
        self.issuerNameHash = issuerNameHash
        self.issuerKeyHash = issuerKeyHash
        self.serialNumber = serialNumber
    }
}

extension CertificateHashes {
    /// True if the hash data a CSMS sent names this certificate: hex compares case-insensitively and the
    /// serial number without leading zeros, as CSMSs write both either way. The algorithm is the caller's to
    /// match (these hashes are computed with the one the CSMS named).
    public func isNamed(issuerNameHash: String, issuerKeyHash: String, serialNumber: String) -> Bool {
        func serial(_ text: String) -> String {
            let trimmed = text.lowercased().drop { $0 == "0" }
            return trimmed.isEmpty ? "0" : String(trimmed)
        }
        return self.issuerNameHash == issuerNameHash.lowercased() && self.issuerKeyHash == issuerKeyHash.lowercased()
            && serial(self.serialNumber) == serial(serialNumber)
    }
}
