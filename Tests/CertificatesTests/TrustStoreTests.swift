import Certificates
import Testing

@Suite("TrustStore.verify")
struct TrustStoreTests {
    private func reason(_ chain: [Certificate], roots: [Certificate], at time: Int64,
                        sourceLocation: SourceLocation = #_sourceLocation) -> String? {
        let error = certificateError({ () throws(CertificateError) in
            try TrustStore.verify(chain, roots: roots, at: time)
        }, sourceLocation: sourceLocation)
        guard case .untrusted(let reason)? = error else {
            if error != nil { Issue.record("expected .untrusted, got \(String(describing: error))", sourceLocation: sourceLocation) }
            return nil
        }
        return reason
    }

    @Test("leaf + intermediate up to the root verifies inside every validity period")
    func goodChain() throws {
        let pki = try PKI.get()
        for time in [Instant.y2025, Instant.y2026, Instant.y2035 - 1] {
            try TrustStore.verify([pki.leaf, pki.intermediate], roots: [pki.root], at: time)
            try TrustStore.verify([pki.leaf, pki.intermediate], roots: [pki.otherRoot, pki.root, pki.root], at: time)
        }
        try TrustStore.verify([pki.intermediate], roots: [pki.root], at: Instant.y2026)
        try TrustStore.verify([pki.root], roots: [pki.root], at: Instant.y2026)
    }

    @Test("a missing intermediate fails")
    func missingIntermediate() throws {
        let pki = try PKI.get()
        #expect(reason([pki.leaf], roots: [pki.root], at: Instant.y2026) == "unable to get local issuer certificate")
    }

    @Test("the wrong root fails, and no roots at all fails")
    func wrongRoot() throws {
        let pki = try PKI.get()
        #expect(reason([pki.leaf, pki.intermediate], roots: [pki.otherRoot], at: Instant.y2026)
            == "unable to get local issuer certificate")
        #expect(reason([pki.leaf, pki.intermediate], roots: [], at: Instant.y2026)
            == "unable to get local issuer certificate")
    }

    @Test("an intermediate is no trust anchor: partial chains are not allowed")
    func noPartialChain() throws {
        let pki = try PKI.get()
        #expect(reason([pki.leaf], roots: [pki.intermediate], at: Instant.y2026) == "unable to get issuer certificate")
    }

    @Test("an expired leaf fails with \"certificate has expired\"")
    func expired() throws {
        let pki = try PKI.get()
        try TrustStore.verify([pki.expiredLeaf, pki.intermediate], roots: [pki.root], at: Instant.y2022 + 86_400)
        #expect(reason([pki.expiredLeaf, pki.intermediate], roots: [pki.root], at: Instant.y2024) == "certificate has expired")
        // OpenSSL treats notAfter itself as expired (X509_cmp_time counts "equal" as "earlier"),
        // one second before RFC 5280 and `Certificate.isValid(at:)` do.
        #expect(reason([pki.leaf, pki.intermediate], roots: [pki.root], at: Instant.y2035) == "certificate has expired")
        #expect(pki.leaf.isValid(at: Instant.y2035))
    }

    @Test("a leaf before its notBefore fails with \"certificate is not yet valid\"")
    func notYetValid() throws {
        let pki = try PKI.get()
        #expect(reason([pki.leaf, pki.intermediate], roots: [pki.root], at: Instant.june2024) == "certificate is not yet valid")
        #expect(reason([pki.leaf, pki.intermediate], roots: [pki.root], at: Instant.y2025 - 1) == "certificate is not yet valid")
    }

    @Test("an empty chain is not trusted")
    func emptyChain() throws {
        let pki = try PKI.get()
        #expect(reason([], roots: [pki.root], at: Instant.y2026) == "no certificate to verify")
    }
}
