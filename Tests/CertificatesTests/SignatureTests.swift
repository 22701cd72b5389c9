import TestFixtures
import Certificates
import Testing

@Suite("SignatureCheck")
struct SignatureTests {
    @Test("ECDSA: the right signature verifies over memory and over a file")
    func ecdsa() throws {
        let pki = try PKI.get()
        #expect(SignatureCheck.verify(pki.payload, signature: pki.ecSignature, certificate: pki.ecSigner))
        let directory = try TemporaryDirectory()
        try directory.write("firmware.bin", pki.payload)
        #expect(try SignatureCheck.verifyFile(at: directory.file("firmware.bin"), signature: pki.ecSignature,
                                              certificate: pki.ecSigner))
    }

    @Test("RSA: PKCS#1 v1.5 and PSS (digest-length and maximal salt) verify", arguments: [0, 1, 2])
    func rsa(variant: Int) throws {
        let pki = try PKI.get()
        let signature = [pki.rsaPKCS1Signature, pki.rsaPSSDigestSaltSignature, pki.rsaPSSMaxSaltSignature][variant]
        #expect(signature.count == 256)
        #expect(SignatureCheck.verify(pki.payload, signature: signature, certificate: pki.rsaSigner))
        let directory = try TemporaryDirectory()
        try directory.write("firmware.bin", pki.payload)
        #expect(try SignatureCheck.verifyFile(at: directory.file("firmware.bin"), signature: signature,
                                              certificate: pki.rsaSigner))
    }

    @Test("a tampered file, a truncated file and an altered signature do not verify")
    func tampered() throws {
        let pki = try PKI.get()
        let directory = try TemporaryDirectory()
        var changed = pki.payload
        changed[changed.count - 1] ^= 0x01  // past the first 64 KiB chunk: the whole file is read
        try directory.write("changed.bin", changed)
        try directory.write("short.bin", Array(pki.payload.dropLast()))
        for (signature, signer) in [(pki.ecSignature, pki.ecSigner), (pki.rsaPKCS1Signature, pki.rsaSigner),
                                    (pki.rsaPSSDigestSaltSignature, pki.rsaSigner)] {
            #expect(try SignatureCheck.verifyFile(at: directory.file("changed.bin"), signature: signature, certificate: signer) == false)
            #expect(try SignatureCheck.verifyFile(at: directory.file("short.bin"), signature: signature, certificate: signer) == false)
            var altered = signature
            altered[altered.count / 2] ^= 0x40
            #expect(SignatureCheck.verify(pki.payload, signature: altered, certificate: signer) == false)
            #expect(SignatureCheck.verify(pki.payload, signature: [], certificate: signer) == false)
            #expect(SignatureCheck.verify(pki.payload, signature: Array(signature.dropLast()), certificate: signer) == false)
        }
    }

    @Test("a signature checked with the wrong certificate does not verify")
    func wrongCertificate() throws {
        let pki = try PKI.get()
        #expect(SignatureCheck.verify(pki.payload, signature: pki.ecSignature, certificate: pki.leaf) == false)
        #expect(SignatureCheck.verify(pki.payload, signature: pki.ecSignature, certificate: pki.rsaSigner) == false)
        #expect(SignatureCheck.verify(pki.payload, signature: pki.rsaPKCS1Signature, certificate: pki.ecSigner) == false)
    }

    @Test("an empty file verifies against a signature over no bytes only")
    func emptyFile() throws {
        let pki = try PKI.get()
        let directory = try TemporaryDirectory()
        try directory.write("empty.bin", [])
        #expect(try SignatureCheck.verifyFile(at: directory.file("empty.bin"), signature: pki.ecSignature,
                                              certificate: pki.ecSigner) == false)
    }

    @Test("an unreadable file throws .unreadable with the system's reason")
    func unreadable() throws {
        let pki = try PKI.get()
        let directory = try TemporaryDirectory()
        let missing = directory.file("missing.bin")
        #expect(certificateError { () throws(CertificateError) in
            try SignatureCheck.verifyFile(at: missing, signature: pki.ecSignature, certificate: pki.ecSigner)
        } == .unreadable(path: missing, reason: "No such file or directory"))
        #expect(certificateError { () throws(CertificateError) in
            try SignatureCheck.verifyFile(at: directory.path, signature: pki.ecSignature, certificate: pki.ecSigner)
        } == .unreadable(path: directory.path, reason: "Is a directory"))
    }

    @Test("signatures arrive as base64 in OCPP: decode and verify")
    func base64Signature() throws {
        let pki = try PKI.get()
        let wire = Base64.encode(pki.ecSignature)
        let decoded = try #require(Base64.decode(wire))
        #expect(SignatureCheck.verify(pki.payload, signature: decoded, certificate: pki.ecSigner))
    }
}
