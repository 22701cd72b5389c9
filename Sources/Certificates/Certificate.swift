import COpenSSL
import Glibc

/// An X.509 certificate, parsed once and kept as its DER bytes plus the fields OCPP needs.
///
/// A value type: it holds no OpenSSL object, so it is freely `Sendable` and can be stored and
/// compared; operations that need OpenSSL re-parse `der` for the duration of the call.
public struct Certificate: Sendable, Equatable, Hashable {
    /// The certificate exactly as received (re-encoding could change signed bytes).
    public let der: [UInt8]
    /// The subject on one line in certificate order, short attribute names, ", " between
    /// attributes and RFC 2253 escaping, e.g. "CN=CP001, O=ACME"; UTF-8 is kept as is.
    public let subject: String
    /// The issuer, spelled like `subject`.
    public let issuer: String
    /// The value of the subject's last (most specific) commonName attribute, if any.
    public let commonName: String?
    /// The value of the subject's last organizationName attribute, if any.
    public let organization: String?
    /// Lowercase hex of the serial number without leading zeros ("0" for zero; a negative serial,
    /// which only broken issuers produce, gets a "-").
    public let serialNumberHex: String
    /// Start of the validity period, unix seconds.
    public let notBefore: Int64
    /// End of the validity period (inclusive), unix seconds.
    public let notAfter: Int64
    /// True if basicConstraints says CA:TRUE.
    public let isCertificateAuthority: Bool
    /// True if subject and issuer are the same name (byte-wise DER): a root or a self-issued
    /// certificate. Says nothing about the signature.
    public let isSelfIssued: Bool

    /// DER of the subject Name: the issuer name hashed when this certificate is the issuer.
    let subjectNameDER: [UInt8]
    /// The subjectPublicKey BIT STRING contents: the issuer key hashed when this certificate is the issuer.
    let publicKeyBits: [UInt8]

    /// Parses one DER certificate. Trailing bytes after it are an error.
    public init(der: [UInt8]) throws(CertificateError) {
        defer { OpenSSL.clearErrors() }
        guard !der.isEmpty else { throw .malformed("certificate: no data") }
        guard let x509 = OpenSSL.x509(der: der) else {
            throw .malformed("certificate: not a DER X.509 certificate (\(OpenSSL.drainErrors()))")
        }
        defer { X509_free(x509) }

        guard let subjectName = X509_get_subject_name(x509), let issuerName = X509_get_issuer_name(x509),
              let subjectDER = Self.der(of: subjectName), let issuerDER = Self.der(of: issuerName),
              let subject = Self.oneLine(subjectName), let issuer = Self.oneLine(issuerName)
        else { throw .malformed("certificate: unreadable subject or issuer name (\(OpenSSL.drainErrors()))") }
        guard let serial = X509_get0_serialNumber(x509) else { throw .malformed("certificate: no serial number") }
        guard let notBefore = Self.unixTime(X509_get0_notBefore(x509)),
              let notAfter = Self.unixTime(X509_get0_notAfter(x509))
        else { throw .malformed("certificate: unreadable validity dates") }
        guard let keyBits = X509_get0_pubkey_bitstr(x509) else { throw .malformed("certificate: no public key") }

        self.der = der
        self.subject = subject
        self.issuer = issuer
        commonName = Self.lastValue(of: NID_commonName, in: subjectName)
        organization = Self.lastValue(of: NID_organizationName, in: subjectName)
        serialNumberHex = Self.hex(serial)
        self.notBefore = notBefore
        self.notAfter = notAfter
        isCertificateAuthority = Self.basicConstraintsCA(x509)
        isSelfIssued = subjectDER == issuerDER
        subjectNameDER = subjectDER
        publicKeyBits = Self.bytes(of: UnsafePointer(keyBits))
    }

    /// One PEM "CERTIFICATE" block: 64-character lines and a trailing newline.
    public var pem: String {
        let body = Array(Base64.encode(der).utf8)
        var text = "-----BEGIN CERTIFICATE-----\n"
        var start = 0
        while start < body.count {
            let end = min(start + 64, body.count)
            text += String(decoding: body[start..<end], as: UTF8.self) + "\n"
            start = end
        }
        return text + "-----END CERTIFICATE-----\n"
    }

    /// The one certificate of `pem`, valid at `unixSeconds`: what InstallCertificate takes under both OCPP
    /// versions (a chain, or one outside its validity period, is refused).
    public static func single(pem: String, validAt unixSeconds: Int64) throws(CertificateError) -> Certificate {
        let chain = try parseChain(pem: pem)
        guard chain.count == 1 else { throw .malformed("\(chain.count) certificates where one is expected") }
        guard chain[0].isValid(at: unixSeconds) else { throw .untrusted(reason: "outside its validity period") }
        return chain[0]
    }

    /// Every CERTIFICATE block of a PEM text, in order.
    ///
    /// Text between blocks is ignored (as OpenSSL does), but there must be at least one block,
    /// every block must be a CERTIFICATE and every certificate must parse: a chain with an
    /// unexpected block (a private key pasted by mistake) is rejected rather than half-used.
    public static func parseChain(pem: String) throws(CertificateError) -> [Certificate] {
        defer { OpenSSL.clearErrors() }
        let blocks = try PEMBlock.all(in: pem)
        guard !blocks.isEmpty else { throw .malformed("certificate chain: no PEM block") }
        var chain: [Certificate] = []
        for (index, block) in blocks.enumerated() {
            guard block.label == "CERTIFICATE" else {
                throw .malformed("certificate chain: block \(index + 1) is a \(block.label), not a CERTIFICATE")
            }
            do {
                chain.append(try Certificate(der: block.bytes))
            } catch {
                throw .malformed("certificate chain: block \(index + 1): \(error)")
            }
        }
        return chain
    }

    /// OCPP CertificateHashData for this certificate, with `issuer` as the issuing certificate
    /// (nil: the certificate is its own issuer, a root).
    ///
    /// As in OCSP's CertID, both the name and the key hash come from the issuing certificate (its
    /// subject Name and its public key), the serial from this one. So for any certificate the
    /// result equals, in issuerNameHash and issuerKeyHash, what its CA's own self-hashes say,
    /// which is what lets DeleteCertificate find certificates by CA.
    public func hashes(_ algorithm: HashAlgorithm, issuer: Certificate? = nil) -> CertificateHashes {
        let issuing = issuer ?? self
        return CertificateHashes(
            hashAlgorithm: algorithm,
            issuerNameHash: hexString(OpenSSL.hash(algorithm, issuing.subjectNameDER)),
            issuerKeyHash: hexString(OpenSSL.hash(algorithm, issuing.publicKeyBits)),
            serialNumber: serialNumberHex
        )
    }

    /// True if `notBefore <= unixSeconds <= notAfter`.
    public func isValid(at unixSeconds: Int64) -> Bool {
        notBefore <= unixSeconds && unixSeconds <= notAfter
    }

    /// True if the certificate's public key is the public half of this PEM private key (any format
    /// OpenSSL reads unencrypted: PKCS#8, SEC1, PKCS#1). False if the key does not parse.
    public func matches(privateKeyPEM: String) -> Bool {
        defer { OpenSSL.clearErrors() }
        guard let key = PrivateKey.load(pem: privateKeyPEM) else { return false }
        defer { EVP_PKEY_free(key) }
        guard let x509 = OpenSSL.x509(der: der) else { return false }
        defer { X509_free(x509) }
        guard let certificateKey = X509_get0_pubkey(x509) else { return false }
        return EVP_PKEY_eq(certificateKey, key) == 1
    }

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.der == rhs.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }

    // MARK: - Field extraction

    private static let nameFlags = UInt(
        ASN1_STRFLGS_ESC_2253 | ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_UTF8_CONVERT
            | ASN1_STRFLGS_DUMP_UNKNOWN | ASN1_STRFLGS_DUMP_DER
    ) | UInt(XN_FLAG_SEP_CPLUS_SPC) | UInt(XN_FLAG_FN_SN) | UInt(XN_FLAG_DUMP_UNKNOWN_FIELDS)

    private static func oneLine(_ name: OpaquePointer) -> String? {
        let bytes = OpenSSL.writtenBytes { bio in X509_NAME_print_ex(bio, name, 0, nameFlags) >= 0 }
        return bytes.map { String(decoding: $0, as: UTF8.self) }
    }

    private static func der(of name: OpaquePointer) -> [UInt8]? {
        var pointer: UnsafePointer<UInt8>?
        var length = 0
        guard X509_NAME_get0_der(name, &pointer, &length) == 1, let pointer else { return nil }
        return Array(UnsafeBufferPointer(start: pointer, count: length))
    }

    private static func lastValue(of nid: Int32, in name: OpaquePointer) -> String? {
        var last: Int32 = -1
        while true {
            let next = X509_NAME_get_index_by_NID(name, nid, last)
            if next < 0 { break }
            last = next
        }
        guard last >= 0, let entry = X509_NAME_get_entry(name, last),
              let value = X509_NAME_ENTRY_get_data(entry)
        else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&utf8, value)
        guard length >= 0, let utf8 else { return nil }
        defer { cp_openssl_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    private static func bytes(of string: UnsafePointer<ASN1_STRING>) -> [UInt8] {
        let count = Int(ASN1_STRING_length(string))
        guard count > 0, let data = ASN1_STRING_get0_data(string) else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: count))
    }

    private static func hex(_ serial: UnsafePointer<ASN1_INTEGER>) -> String {
        let digits = hexString(bytes(of: serial)).drop { $0 == "0" }
        let magnitude = digits.isEmpty ? "0" : String(digits)
        return ASN1_STRING_type(serial) == V_ASN1_NEG_INTEGER && magnitude != "0" ? "-" + magnitude : magnitude
    }

    private static func basicConstraintsCA(_ x509: OpaquePointer) -> Bool {
        var critical: Int32 = 0
        guard let raw = X509_get_ext_d2i(x509, NID_basic_constraints, &critical, nil) else { return false }
        let constraints = raw.assumingMemoryBound(to: BASIC_CONSTRAINTS.self)
        defer { BASIC_CONSTRAINTS_free(constraints) }
        return constraints.pointee.ca != 0
    }

    private static func unixTime(_ time: UnsafePointer<ASN1_TIME>?) -> Int64? {
        guard let time else { return nil }
        var parts = tm()
        guard ASN1_TIME_to_tm(time, &parts) == 1 else { return nil }
        let days = daysSinceEpoch(year: Int64(parts.tm_year) + 1900, month: Int64(parts.tm_mon) + 1,
                                  day: Int64(parts.tm_mday))
        return days * 86_400 + Int64(parts.tm_hour) * 3_600 + Int64(parts.tm_min) * 60 + Int64(parts.tm_sec)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`):
    /// no time zone, no 2038 limit, unlike `timegm` on some platforms.
    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
