import TestFixtures
import Certificates
import Testing

@Suite("CertificateHashData")
struct HashTests {
    @Test("a leaf's hashes with its issuer equal the OCSP CertID openssl computes", arguments: HashAlgorithm.allCases)
    func leafMatchesOCSP(algorithm: HashAlgorithm) throws {
        let pki = try PKI.get()
        let hashes = pki.leaf.hashes(algorithm, issuer: pki.intermediate)
        #expect(hashes == (try ocspCertificateID(algorithm, certificate: pki.leaf, issuer: pki.intermediate)))
        #expect(hashes.hashAlgorithm == algorithm)
        #expect(hashes.serialNumber == "a1b")
    }

    @Test("a root's self hashes equal the OCSP CertID of the root issued by itself", arguments: HashAlgorithm.allCases)
    func rootMatchesOCSP(algorithm: HashAlgorithm) throws {
        let pki = try PKI.get()
        #expect(pki.root.hashes(algorithm) == (try ocspCertificateID(algorithm, certificate: pki.root, issuer: pki.root)))
        #expect(pki.root.hashes(algorithm) == pki.root.hashes(algorithm, issuer: pki.root))
    }

    @Test("hash lengths and spelling: lowercase hex of the digest size")
    func spelling() throws {
        let root = try PKI.get().root
        for (algorithm, digits) in [(HashAlgorithm.sha256, 64), (.sha384, 96), (.sha512, 128)] {
            let hashes = root.hashes(algorithm)
            for value in [hashes.issuerNameHash, hashes.issuerKeyHash] {
                #expect(value.count == digits)
                #expect(value.allSatisfy { "0123456789abcdef".contains($0) })
            }
        }
        #expect(HashAlgorithm.allCases.map(\.rawValue) == ["SHA256", "SHA384", "SHA512"])
    }

    @Test("issuerNameHash is the SHA-256 of the issuer Name's DER, cut out of the certificate independently")
    func issuerNameHashIndependently() throws {
        let pki = try PKI.get()
        let issuerName = try #require(issuerNameDER(of: pki.leaf.der))
        let directory = try TemporaryDirectory()
        try directory.write("name.der", issuerName)
        // "hex *path\n"
        let digest = try directory.openssl("dgst", "-sha256", "-r", directory.file("name.der")).output.prefix(64)
        #expect(pki.leaf.hashes(.sha256, issuer: pki.intermediate).issuerNameHash == String(digest))
    }

    @Test("a certificate's issuer hashes equal its CA's self hashes: what DeleteCertificate matches on")
    func issuerInvariant() throws {
        let pki = try PKI.get()
        for algorithm in HashAlgorithm.allCases {
            let leaf = pki.leaf.hashes(algorithm, issuer: pki.intermediate)
            let intermediateSelf = pki.intermediate.hashes(algorithm)
            #expect(leaf.issuerNameHash == intermediateSelf.issuerNameHash)
            #expect(leaf.issuerKeyHash == intermediateSelf.issuerKeyHash)
            #expect(leaf.serialNumber != intermediateSelf.serialNumber)
            // Another leaf of the same CA shares the issuer part only.
            let sibling = pki.expiredLeaf.hashes(algorithm, issuer: pki.intermediate)
            #expect(sibling.issuerKeyHash == leaf.issuerKeyHash)
            #expect(sibling.serialNumber == "ff")
            // The wrong issuer gives different hashes.
            #expect(pki.leaf.hashes(algorithm, issuer: pki.otherRoot).issuerKeyHash != leaf.issuerKeyHash)
            #expect(pki.leaf.hashes(algorithm, issuer: pki.otherRoot).issuerNameHash != leaf.issuerNameHash)
        }
    }
}

/// The DER of tbsCertificate.issuer: Certificate ::= SEQUENCE { tbsCertificate SEQUENCE {
/// [0] version OPTIONAL, serialNumber INTEGER, signature AlgorithmIdentifier, issuer Name, ... } ... }.
private func issuerNameDER(of der: [UInt8]) -> [UInt8]? {
    /// (tag, start of the whole element, start of contents, end) of the element at `offset`.
    func element(at offset: Int) -> (tag: UInt8, start: Int, contents: Int, end: Int)? {
        guard offset + 2 <= der.count else { return nil }
        let first = Int(der[offset + 1])
        var length = first, contents = offset + 2
        if first & 0x80 != 0 {
            let count = first & 0x7f
            guard count <= 4, contents + count <= der.count else { return nil }
            length = der[contents..<contents + count].reduce(0) { $0 << 8 | Int($1) }
            contents += count
        }
        guard contents + length <= der.count else { return nil }
        return (der[offset], offset, contents, contents + length)
    }
    guard let certificate = element(at: 0), let tbs = element(at: certificate.contents) else { return nil }
    var next = tbs.contents
    var fields: [(tag: UInt8, start: Int, contents: Int, end: Int)] = []
    while next < tbs.end, fields.count < 4, let field = element(at: next) {
        fields.append(field)
        next = field.end
    }
    let skip = fields.first?.tag == 0xa0 ? 1 : 0  // explicit version
    guard fields.count == 4, fields[skip + 2].tag == 0x30 else { return nil }
    return Array(der[fields[skip + 2].start..<fields[skip + 2].end])
}
