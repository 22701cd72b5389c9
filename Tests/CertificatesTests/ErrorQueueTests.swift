import TestFixtures
import Certificates
import COpenSSL
import Testing

/// libwebsockets reads the same thread-local OpenSSL error queue after its TLS calls: whatever we
/// do, success or failure, must leave it empty.
@Suite("OpenSSL error queue")
struct ErrorQueueTests {
    @Test("failures and successes leave the thread's error queue empty")
    func queueEmptyAfterwards() throws {
        let pki = try PKI.get()
        let calls: [(String, () -> Void)] = [
            ("parseChain garbage", { _ = try? Certificate.parseChain(pem: "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n") }),
            ("parseChain good", { _ = try? Certificate.parseChain(pem: pki.leafPEM) }),
            ("init(der:) junk", { _ = try? Certificate(der: pattern(50)) }),
            ("PrivateKey garbage", { _ = try? PrivateKey(pem: "garbage") }),
            ("PrivateKey encrypted", { _ = try? PrivateKey(pem: pki.leafKeyEncrypted) }),
            ("matches garbage", { _ = pki.leaf.matches(privateKeyPEM: "garbage") }),
            ("verify untrusted", { _ = try? TrustStore.verify([pki.leaf], roots: [pki.otherRoot], at: Instant.y2026) }),
            ("verify expired", { _ = try? TrustStore.verify([pki.expiredLeaf, pki.intermediate], roots: [pki.root], at: Instant.y2024) }),
            ("bad RSA signature", { _ = SignatureCheck.verify([1, 2, 3], signature: pki.rsaPKCS1Signature, certificate: pki.rsaSigner) }),
            ("bad EC signature", { _ = SignatureCheck.verify([1, 2, 3], signature: [0x30, 0x00], certificate: pki.ecSigner) }),
            ("CSR too long", { _ = try? PrivateKey(pem: pki.leafKeyPKCS8).certificateSigningRequest(commonName: String(repeating: "x", count: 99), organization: "O") }),
        ]
        for (name, call) in calls {
            call()
            #expect(ERR_peek_error() == 0, "\(name) left an error in the queue")
            ERR_clear_error()
        }
    }
}
