import TestFixtures
import Certificates
import Testing

@Suite("PrivateKey and certificate signing requests")
struct PrivateKeyTests {
    @Test("generateP256 gives distinct PKCS#8 PEM P-256 keys that read back unchanged")
    func generate() throws {
        let first = try PrivateKey.generateP256()
        let second = try PrivateKey.generateP256()
        #expect(first.pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(first.pem.hasSuffix("-----END PRIVATE KEY-----\n"))
        #expect(first.pem != second.pem)
        #expect(try PrivateKey(pem: first.pem).pem == first.pem)

        let directory = try TemporaryDirectory()
        try directory.write("key.pem", first.pem)
        let text = try directory.openssl("pkey", "-in", directory.file("key.pem"), "-noout", "-text").output
        #expect(text.contains("ASN1 OID: prime256v1"))
        #expect(text.contains("NIST CURVE: P-256"))
    }

    @Test("SEC1 and PKCS#1 keys are read and kept as PKCS#8")
    func otherFormats() throws {
        let pki = try PKI.get()
        #expect(pki.leafKeySEC1.hasPrefix("-----BEGIN EC PRIVATE KEY-----"))
        let fromSEC1 = try PrivateKey(pem: pki.leafKeySEC1)
        #expect(fromSEC1.pem == pki.leafKeyPKCS8)  // same key, same PKCS#8 encoding as genpkey wrote
        #expect(pki.rsaKeyPKCS1.hasPrefix("-----BEGIN RSA PRIVATE KEY-----"))
        let rsa = try PrivateKey(pem: pki.rsaKeyPKCS1)
        #expect(rsa.pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(pki.rsaSigner.matches(privateKeyPEM: rsa.pem))
    }

    @Test("garbage, a certificate and an encrypted key are malformed, and the error never shows the key")
    func rejected() throws {
        let pki = try PKI.get()
        for text in ["", "garbage", pki.leafPEM, pki.leafKeyEncrypted] {
            let error = certificateError { () throws(CertificateError) in try PrivateKey(pem: text) }
            let message = malformedText(error)
            #expect(message?.hasPrefix("private key: not an unencrypted PEM private key (") == true)
        }
        let encryptedBody = pki.leafKeyEncrypted.split(separator: "\n")[1]
        let error = certificateError { () throws(CertificateError) in try PrivateKey(pem: pki.leafKeyEncrypted) }
        #expect(error.map { "\($0)".contains(encryptedBody) } == false)
    }

    @Test("a CSR carries CN and O, verifies with openssl and is signed with ECDSA SHA-256")
    func signingRequest() throws {
        let key = try PrivateKey.generateP256()
        let csr = try key.certificateSigningRequest(commonName: "CP001", organization: "ACME Charging")
        #expect(csr.hasPrefix("-----BEGIN CERTIFICATE REQUEST-----\n"))
        #expect(csr.hasSuffix("-----END CERTIFICATE REQUEST-----\n"))

        let directory = try TemporaryDirectory()
        try directory.write("csr.pem", csr)
        let checked = try directory.openssl("req", "-in", directory.file("csr.pem"), "-noout", "-verify", "-subject",
                                            "-nameopt", "sep_comma_plus_space,sname,utf8")
        #expect(checked.output == "subject=CN=CP001, O=ACME Charging\n")
        #expect(checked.errors.contains("verify OK"))
        let text = try directory.openssl("req", "-in", directory.file("csr.pem"), "-noout", "-text").output
        #expect(text.contains("Signature Algorithm: ecdsa-with-SHA256"))
        #expect(text.contains("Version: 1 (0x0)"))

        // The CA's certificate for it belongs to this key and no other.
        let certificate = try issueWithCLI(csr: csr, in: directory)
        #expect(certificate.subject == "CN=CP001, O=ACME Charging")
        #expect(certificate.matches(privateKeyPEM: key.pem))
        #expect(certificate.matches(privateKeyPEM: try PrivateKey.generateP256().pem) == false)
    }

    @Test("matches(privateKeyPEM:) accepts the certificate's key in any format and nothing else")
    func matches() throws {
        let pki = try PKI.get()
        #expect(pki.leaf.matches(privateKeyPEM: pki.leafKeyPKCS8))
        #expect(pki.leaf.matches(privateKeyPEM: pki.leafKeySEC1))
        #expect(pki.expiredLeaf.matches(privateKeyPEM: pki.leafKeyPKCS8) == false)
        #expect(pki.rsaSigner.matches(privateKeyPEM: pki.leafKeyPKCS8) == false)
        #expect(pki.leaf.matches(privateKeyPEM: pki.leafKeyEncrypted) == false)
        #expect(pki.leaf.matches(privateKeyPEM: "garbage") == false)
        #expect(pki.leaf.matches(privateKeyPEM: pki.leafPEM) == false)
    }

    @Test("CN and O must be 1...64 characters")
    func subjectBounds() throws {
        let key = try PrivateKey.generateP256()
        #expect(certificateError { () throws(CertificateError) in
            try key.certificateSigningRequest(commonName: "", organization: "ACME")
        } == .signingRequest("the common name is empty"))
        #expect(certificateError { () throws(CertificateError) in
            try key.certificateSigningRequest(commonName: "CP001", organization: "")
        } == .signingRequest("the organization is empty"))

        _ = try key.certificateSigningRequest(commonName: String(repeating: "x", count: 64), organization: "ACME")
        let error = certificateError { () throws(CertificateError) in
            try key.certificateSigningRequest(commonName: String(repeating: "x", count: 65), organization: "ACME")
        }
        guard case .signingRequest(let text)? = error else {
            Issue.record("expected .signingRequest, got \(String(describing: error))")
            return
        }
        #expect(text.hasPrefix("the common name is not accepted (error:"))
        #expect(text.contains("string too long"))
    }
}
