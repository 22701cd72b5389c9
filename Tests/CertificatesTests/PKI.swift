import TestFixtures
import Certificates

/// Throw-away test material made once per test process with the openssl CLI: a root CA, an
/// intermediate, leaves with fixed validity periods (`openssl ca -startdate/-enddate`, so dates
/// and verification instants are exact and independent of the clock), an unrelated root, and
/// RSA/EC signers with signatures over a payload. Everything is kept in memory; the directory it
/// was made in is gone before the first test runs, and nothing of it is ever committed.
struct PKI: Sendable {
    /// Root "CN=Test Root CA, O=ACME Test", serial 1, 2020-01-01 ... 2050-01-01.
    let root: Certificate
    /// "CN=Test Intermediate CA, O=ACME Test" by the root, serial 0x1000, 2021-01-01 ... 2045-01-01.
    let intermediate: Certificate
    /// "CN=CP001, O=ACME" by the intermediate, serial 0x0A1B, 2025-01-01 ... 2035-01-01.
    let leaf: Certificate
    /// "CN=CP002, O=ACME" by the intermediate, serial 0x00FF, 2022-01-01 ... 2023-01-01.
    let expiredLeaf: Certificate
    /// "CN=Other Root, O=Elsewhere", self-signed, unrelated to the others.
    let otherRoot: Certificate

    /// The files exactly as openssl wrote them.
    let rootPEM: String
    let intermediatePEM: String
    let leafPEM: String
    /// The leaf's key: PKCS#8 as genpkey writes it, the same key as SEC1, and encrypted (password "secret").
    let leafKeyPKCS8: String
    let leafKeySEC1: String
    let leafKeyEncrypted: String
    let rsaKeyPKCS1: String

    /// Self-signed signer certificates and SHA-256 signatures over `payload`.
    let ecSigner: Certificate
    let rsaSigner: Certificate
    let payload: [UInt8]
    let ecSignature: [UInt8]
    let rsaPKCS1Signature: [UInt8]
    let rsaPSSDigestSaltSignature: [UInt8]
    let rsaPSSMaxSaltSignature: [UInt8]

    /// The material, or why it could not be made (every test that needs it then fails with that).
    static let shared: Result<PKI, SetupError> = {
        do { return .success(try PKI()) } catch let error as SetupError { return .failure(error) } catch {
            return .failure(SetupError(description: "\(error)"))
        }
    }()

    static func get() throws -> PKI { try shared.get() }

    private init() throws {
        let directory = try TemporaryDirectory()
        try directory.prepareCertificateAuthority()
        let config = directory.certificateAuthorityConfig

        func ecKey(_ name: String) throws { try directory.ecKey(name) }
        func issue(_ name: String, subject: String, serial: String, issuer: String?, extensions: String,
                   from start: String, to end: String) throws -> String {
            try directory.issue(name, subject: subject, serial: serial, issuer: issuer, extensions: extensions,
                                from: start, to: end)
        }

        rootPEM = try issue("root", subject: "/CN=Test Root CA/O=ACME Test", serial: "01", issuer: nil,
                            extensions: "v3_ca", from: "20200101000000Z", to: "20500101000000Z")
        intermediatePEM = try issue("int", subject: "/CN=Test Intermediate CA/O=ACME Test", serial: "1000",
                                    issuer: "root", extensions: "v3_ca", from: "20210101000000Z", to: "20450101000000Z")
        leafPEM = try issue("leaf", subject: "/CN=CP001/O=ACME", serial: "0A1B", issuer: "int",
                            extensions: "v3_leaf", from: "20250101000000Z", to: "20350101000000Z")
        let expiredPEM = try issue("expired", subject: "/CN=CP002/O=ACME", serial: "00FF", issuer: "int",
                                   extensions: "v3_leaf", from: "20220101000000Z", to: "20230101000000Z")
        let otherPEM = try issue("other", subject: "/CN=Other Root/O=Elsewhere", serial: "02", issuer: nil,
                                 extensions: "v3_ca", from: "20200101000000Z", to: "20500101000000Z")

        root = try Self.single(rootPEM)
        intermediate = try Self.single(intermediatePEM)
        leaf = try Self.single(leafPEM)
        expiredLeaf = try Self.single(expiredPEM)
        otherRoot = try Self.single(otherPEM)

        leafKeyPKCS8 = try directory.readText("leaf.key")
        try directory.openssl("ec", "-in", directory.file("leaf.key"), "-out", directory.file("leaf-sec1.key"))
        leafKeySEC1 = try directory.readText("leaf-sec1.key")
        try directory.openssl("pkey", "-in", directory.file("leaf.key"), "-aes256", "-passout", "pass:secret",
                              "-out", directory.file("leaf-enc.key"))
        leafKeyEncrypted = try directory.readText("leaf-enc.key")

        // Signers.
        try ecKey("ec-signer.key")
        try directory.openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                              "-out", directory.file("rsa-signer.key"))
        try directory.openssl("rsa", "-in", directory.file("rsa-signer.key"), "-traditional",
                              "-out", directory.file("rsa-pkcs1.key"))
        rsaKeyPKCS1 = try directory.readText("rsa-pkcs1.key")
        for name in ["ec-signer", "rsa-signer"] {
            try directory.openssl("req", "-x509", "-new", "-config", config, "-key", directory.file(name + ".key"),
                                  "-subj", "/CN=\(name)", "-days", "3650", "-out", directory.file(name + ".pem"))
        }
        ecSigner = try Self.single(try directory.readText("ec-signer.pem"))
        rsaSigner = try Self.single(try directory.readText("rsa-signer.pem"))

        payload = pattern(300_001)
        try directory.write("payload.bin", payload)
        func sign(_ key: String, _ output: String, _ options: [String] = []) throws -> [UInt8] {
            try directory.openssl(["dgst", "-sha256", "-sign", directory.file(key)] + options
                                  + ["-out", directory.file(output), directory.file("payload.bin")])
            return try directory.read(output)
        }
        ecSignature = try sign("ec-signer.key", "ec.sig")
        rsaPKCS1Signature = try sign("rsa-signer.key", "rsa.sig")
        rsaPSSDigestSaltSignature = try sign("rsa-signer.key", "rsa-pss-digest.sig",
                                             ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:digest"])
        rsaPSSMaxSaltSignature = try sign("rsa-signer.key", "rsa-pss-max.sig",
                                          ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:max"])
    }

    private static func single(_ pem: String) throws -> Certificate {
        let chain = try Certificate.parseChain(pem: pem)
        guard chain.count == 1 else { throw SetupError(description: "expected one certificate, got \(chain.count)") }
        return chain[0]
    }
}
