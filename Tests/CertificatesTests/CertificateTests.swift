import TestFixtures
import Certificates
import Testing

/// Runs `body`, expecting a CertificateError, and returns it (nil, with a recorded issue, otherwise).
func certificateError<T>(_ body: () throws(CertificateError) -> T,
                         sourceLocation: SourceLocation = #_sourceLocation) -> CertificateError? {
    do {
        _ = try body()
        Issue.record("expected a CertificateError, the call succeeded", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// The text of a `.malformed` error, nil (with a recorded issue) for any other error.
func malformedText(_ error: CertificateError?, sourceLocation: SourceLocation = #_sourceLocation) -> String? {
    guard case .malformed(let text)? = error else {
        Issue.record("expected .malformed, got \(String(describing: error))", sourceLocation: sourceLocation)
        return nil
    }
    return text
}

@Suite("Certificate parsing")
struct CertificateParsingTests {
    @Test("a leaf's fields are exactly what was issued")
    func leafFields() throws {
        let leaf = try PKI.get().leaf
        #expect(leaf.subject == "CN=CP001, O=ACME")
        #expect(leaf.issuer == "CN=Test Intermediate CA, O=ACME Test")
        #expect(leaf.commonName == "CP001")
        #expect(leaf.organization == "ACME")
        #expect(leaf.serialNumberHex == "a1b")
        #expect(leaf.notBefore == Instant.y2025)
        #expect(leaf.notAfter == Instant.y2035)
        #expect(leaf.isCertificateAuthority == false)
        #expect(leaf.isSelfIssued == false)
    }

    @Test("a root is a self-issued CA; an intermediate is a CA that is not self-issued")
    func caFields() throws {
        let pki = try PKI.get()
        #expect(pki.root.subject == "CN=Test Root CA, O=ACME Test")
        #expect(pki.root.issuer == pki.root.subject)
        #expect(pki.root.serialNumberHex == "1")
        #expect(pki.root.notBefore == Instant.y2020)
        #expect(pki.root.notAfter == Instant.y2050)
        #expect(pki.root.isCertificateAuthority)
        #expect(pki.root.isSelfIssued)

        #expect(pki.intermediate.issuer == pki.root.subject)
        #expect(pki.intermediate.serialNumberHex == "1000")
        #expect(pki.intermediate.notBefore == Instant.y2021)
        #expect(pki.intermediate.notAfter == Instant.y2045)
        #expect(pki.intermediate.isCertificateAuthority)
        #expect(pki.intermediate.isSelfIssued == false)
    }

    @Test("a certificate without basicConstraints is not a CA")
    func noBasicConstraints() throws {
        // req -x509 with our config adds no extensions at all.
        #expect(try PKI.get().ecSigner.isCertificateAuthority == false)
        #expect(try PKI.get().ecSigner.isSelfIssued)
    }

    @Test("serial numbers: DER's sign-padding zero is dropped and the CLI agrees")
    func serialNumbers() throws {
        let pki = try PKI.get()
        #expect(pki.expiredLeaf.serialNumberHex == "ff")  // DER 02 02 00 FF
        let directory = try TemporaryDirectory()
        for certificate in [pki.root, pki.intermediate, pki.leaf, pki.expiredLeaf] {
            try directory.write("c.pem", certificate.pem)
            let printed = try directory.openssl("x509", "-in", directory.file("c.pem"), "-noout", "-serial").output
            // "serial=0A1B\n"
            let hex = printed.dropFirst("serial=".count).dropLast().lowercased().drop { $0 == "0" }
            #expect(certificate.serialNumberHex == String(hex))
        }
    }

    @Test("validity is inclusive at both ends")
    func validity() throws {
        let leaf = try PKI.get().leaf
        #expect(leaf.isValid(at: Instant.y2025))
        #expect(leaf.isValid(at: Instant.y2035))
        #expect(leaf.isValid(at: Instant.y2026))
        #expect(leaf.isValid(at: Instant.y2025 - 1) == false)
        #expect(leaf.isValid(at: Instant.y2035 + 1) == false)
    }

    @Test("pem reproduces openssl's PEM byte for byte, and DER round-trips")
    func pemRoundTrip() throws {
        let pki = try PKI.get()
        #expect(pki.leaf.pem == pki.leafPEM)
        #expect(pki.root.pem == pki.rootPEM)
        #expect(try Certificate(der: pki.leaf.der) == pki.leaf)
        #expect(pki.leaf != pki.expiredLeaf)
    }

    @Test("parseChain returns every block in order and ignores text between blocks")
    func threeBlocks() throws {
        let pki = try PKI.get()
        let text = "leaf:\n" + pki.leafPEM + "\nintermediate follows\r\n" + pki.intermediatePEM + pki.rootPEM + "trailing words\n"
        let chain = try Certificate.parseChain(pem: text)
        #expect(chain == [pki.leaf, pki.intermediate, pki.root])
        #expect(try Certificate.parseChain(pem: pki.leafPEM) == [pki.leaf])
    }

    @Test("parseChain accepts CRLF line ends")
    func crlf() throws {
        let pki = try PKI.get()
        #expect(try Certificate.parseChain(pem: pki.leafPEM.replacing("\n", with: "\r\n")) == [pki.leaf])
    }

    @Test("parseChain rejects text without any PEM block")
    func noBlock() throws {
        for text in ["", "garbage", "MIIB" + String(repeating: "A", count: 100)] {
            let error = certificateError { () throws(CertificateError) in try Certificate.parseChain(pem: text) }
            #expect(error == .malformed("certificate chain: no PEM block"))
        }
    }

    @Test("parseChain rejects a private key block, even next to certificates, without echoing it")
    func privateKeyBlock() throws {
        let pki = try PKI.get()
        let error = certificateError { () throws(CertificateError) in
            try Certificate.parseChain(pem: pki.leafPEM + pki.leafKeyPKCS8)
        }
        #expect(error == .malformed("certificate chain: block 2 is a PRIVATE KEY, not a CERTIFICATE"))
        let keyBody = pki.leafKeyPKCS8.split(separator: "\n")[1]
        #expect(error.map { "\($0)".contains(keyBody) } == false)
    }

    @Test("parseChain rejects a broken block and a block that is not a certificate inside")
    func brokenBlocks() throws {
        let pki = try PKI.get()
        // Base64 that is not base64.
        let broken = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"
        let brokenText = malformedText(certificateError { () throws(CertificateError) in
            try Certificate.parseChain(pem: pki.leafPEM + broken)
        })
        #expect(brokenText?.hasPrefix("PEM block 2 is broken (error:") == true)

        // No END line.
        let unterminated = malformedText(certificateError { () throws(CertificateError) in
            try Certificate.parseChain(pem: String(pki.leafPEM.dropLast(26)))
        })
        #expect(unterminated?.hasPrefix("PEM block 1 is broken") == true)

        // Well-formed PEM around bytes that are not a certificate.
        let junk = "-----BEGIN CERTIFICATE-----\n" + Base64.encode(pattern(300)) + "\n-----END CERTIFICATE-----\n"
        let junkText = malformedText(certificateError { () throws(CertificateError) in
            try Certificate.parseChain(pem: pki.rootPEM + junk)
        })
        #expect(junkText?.hasPrefix("certificate chain: block 2: malformed input: certificate: not a DER X.509 certificate") == true)
    }

    @Test("init(der:) rejects empty input, junk and trailing bytes")
    func derErrors() throws {
        let leaf = try PKI.get().leaf
        #expect(certificateError { () throws(CertificateError) in try Certificate(der: []) } == .malformed("certificate: no data"))
        for der in [leaf.der + [0], Array(leaf.der.dropLast()), pattern(64)] {
            let text = malformedText(certificateError { () throws(CertificateError) in try Certificate(der: der) })
            #expect(text?.hasPrefix("certificate: not a DER X.509 certificate") == true)
        }
    }

    @Test("UTF-8 names are kept as UTF-8; RFC 2253 specials are escaped in the one-line form only")
    func utf8Names() throws {
        let key = try PrivateKey.generateP256()
        let csr = try key.certificateSigningRequest(commonName: "Ladesäule 7", organization: "Müller, Söhne+Co")
        let directory = try TemporaryDirectory()
        let certificate = try issueWithCLI(csr: csr, in: directory)
        #expect(certificate.commonName == "Ladesäule 7")
        #expect(certificate.organization == "Müller, Söhne+Co")
        #expect(certificate.subject == #"CN=Ladesäule 7, O=Müller\, Söhne\+Co"#)
    }

    @Test("CertificateError descriptions are plain English")
    func descriptions() {
        #expect("\(CertificateError.malformed("certificate: no data"))" == "malformed input: certificate: no data")
        #expect("\(CertificateError.untrusted(reason: "certificate has expired"))"
            == "certificate is not trusted: certificate has expired")
        #expect("\(CertificateError.unreadable(path: "/fw.bin", reason: "No such file or directory"))"
            == "cannot read /fw.bin: No such file or directory")
        #expect("\(CertificateError.keyGeneration("x"))" == "key generation failed: x")
        #expect("\(CertificateError.signingRequest("the common name is empty"))"
            == "cannot create the certificate signing request: the common name is empty")
    }
}

/// Signs `csr` with a fresh throw-away CA (openssl req -x509 + x509 -req) and parses the result.
func issueWithCLI(csr: String, in directory: TemporaryDirectory) throws -> Certificate {
    try directory.write("csr.pem", csr)
    try directory.write("empty.cnf", "[ req ]\ndistinguished_name = dn\n[ dn ]\n")
    try directory.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", directory.file("ca.key"))
    try directory.openssl("req", "-x509", "-new", "-config", directory.file("empty.cnf"), "-key", directory.file("ca.key"),
                          "-subj", "/CN=Throw-away CA", "-days", "1", "-out", directory.file("ca.pem"))
    try directory.openssl("x509", "-req", "-in", directory.file("csr.pem"), "-CA", directory.file("ca.pem"),
                          "-CAkey", directory.file("ca.key"), "-set_serial", "7", "-days", "1",
                          "-out", directory.file("issued.pem"))
    return try Certificate.parseChain(pem: try directory.readText("issued.pem"))[0]
}
