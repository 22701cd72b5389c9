/// Throw-away certificates for the security tests, made once per test process with the openssl CLI and
/// kept in memory (nothing of it is ever committed). The harness's clock says 2027-01-15, inside every
/// validity period here except the expired root's.
public struct SecurityPKI: Sendable {
    /// "CN=CSMS Root, O=CSMS Test", self-signed CA, 2020 ... 2050. Its key signs the charge point's CSRs.
    public let csmsRootPEM: String
    public let csmsRootKeyPEM: String
    /// "CN=Other Root, O=Elsewhere", self-signed CA, 2020 ... 2050, trusted by nobody.
    public let otherRootPEM: String
    public let otherRootKeyPEM: String
    /// "CN=Expired Root", self-signed CA, 2022 ... 2023.
    public let expiredRootPEM: String
    /// "CN=Manufacturer Root, O=ACME", self-signed CA, 2020 ... 2050.
    public let manufacturerRootPEM: String
    /// "CN=Firmware Signer, O=ACME" by the manufacturer root, 2025 ... 2035.
    public let firmwareSignerPEM: String
    /// "CN=CP1, O=Installer" by the CSMS root, 2025 ... 2035, and its key: the installer's client credential.
    public let clientCertificatePEM: String
    public let clientKeyPEM: String
    /// Ten more self-signed roots ("CN=Spare n"), to fill the certificate store.
    public let spareRootsPEM: [String]

    public static let shared: Result<SecurityPKI, SetupError> = {
        do { return .success(try SecurityPKI()) } catch let error as SetupError { return .failure(error) } catch {
            return .failure(SetupError(description: "\(error)"))
        }
    }()

    public static func get() throws -> SecurityPKI { try shared.get() }

    private init() throws {
        let directory = try TemporaryDirectory()
        try directory.prepareCertificateAuthority()
        func root(_ name: String, _ subject: String, serial: String, from: String = "20200101000000Z",
                  to: String = "20500101000000Z") throws -> String {
            try directory.issue(name, subject: subject, serial: serial, issuer: nil, extensions: "v3_ca", from: from, to: to)
        }
        csmsRootPEM = try root("csms", "/CN=CSMS Root/O=CSMS Test", serial: "01")
        csmsRootKeyPEM = try directory.readText("csms.key")
        otherRootPEM = try root("other", "/CN=Other Root/O=Elsewhere", serial: "02")
        otherRootKeyPEM = try directory.readText("other.key")
        expiredRootPEM = try root("expired", "/CN=Expired Root", serial: "03", from: "20220101000000Z", to: "20230101000000Z")
        manufacturerRootPEM = try root("mfr", "/CN=Manufacturer Root/O=ACME", serial: "04")
        firmwareSignerPEM = try directory.issue(
            "signer", subject: "/CN=Firmware Signer/O=ACME", serial: "0100", issuer: "mfr", extensions: "v3_leaf",
            from: "20250101000000Z", to: "20350101000000Z")
        clientCertificatePEM = try directory.issue(
            "client", subject: "/CN=CP1/O=Installer", serial: "0200", issuer: "csms", extensions: "v3_leaf",
            from: "20250101000000Z", to: "20350101000000Z")
        clientKeyPEM = try directory.readText("client.key")
        spareRootsPEM = try (1...10).map { index in
            try root("spare\(index)", "/CN=Spare \(index)", serial: String(format2(0x10 + index)))
        }
    }

    /// Signs `csr` as a leaf by the root `rootPEM` with key `rootKeyPEM`, valid from `start` (2026 unless
    /// given) to 2030.
    public static func sign(
        csr: String, rootPEM: String, rootKeyPEM: String, serial: String = "0A0B", from start: String = "20260101000000Z"
    ) throws -> String {
        let directory = try TemporaryDirectory()
        try directory.prepareCertificateAuthority()
        try directory.write("root.pem", rootPEM)
        try directory.write("root.key", rootKeyPEM)
        try directory.write("cp.csr", csr)
        return try directory.sign(
            "cp", serial: serial, issuer: "root", extensions: "v3_leaf", from: start, to: "20300101000000Z")
    }

    /// The subject of a CSR as `openssl req -noout -subject -verify` prints it, after checking its signature.
    public static func verifiedSubject(ofCSR csr: String) throws -> String {
        let directory = try TemporaryDirectory()
        try directory.write("request.csr", csr)
        let result = try directory.openssl("req", "-in", directory.file("request.csr"), "-noout", "-subject", "-verify")
        return result.output.trimmingWhitespace
    }
}

/// Two hex digits.
private func format2(_ value: Int) -> String {
    let digits = String(value, radix: 16, uppercase: true)
    return digits.count < 2 ? "0" + digits : digits
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var text = Substring(self)
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return String(text)
    }
}
