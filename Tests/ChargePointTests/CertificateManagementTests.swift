import Certificates
import OCPP16
import TestFixtures
import Testing

@testable import ChargePoint

@Suite struct CertificateManagementTests {
    typealias F = SecurityFixture

    private func install(_ harness: inout Harness, _ id: String, _ type: String, _ pem: String) -> JSONValue? {
        harness.csmsCall(id, "InstallCertificate", #"{"certificateType":"\#(type)","certificate":\#(jsonString(pem))}"#)
        return harness.result(answering: id)?["status"]
    }

    private func delete(_ harness: inout Harness, _ id: String, _ hashes: CertificateHashes) -> JSONValue? {
        harness.csmsCall(id, "DeleteCertificate", """
            {"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"\(hashes.issuerNameHash)",\
            "issuerKeyHash":"\(hashes.issuerKeyHash)","serialNumber":"\(hashes.serialNumber)"}}
            """)
        return harness.result(answering: id)?["status"]
    }

    private func parsed(_ pem: String) throws -> Certificate { try #require(try Certificate.parseChain(pem: pem).first) }

    @Test func aValidRootIsInstalledAndPersisted() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness()
        harness.bootAccepted()
        #expect(install(&harness, "i1", "ManufacturerRootCertificate", pki.manufacturerRootPEM) == .string("Accepted"))
        let stored = try parsed(pki.manufacturerRootPEM).pem
        #expect(F.savedSecurity(harness.persisted)
            == [SecurityRecord(certificates: [InstalledCertificate(use: .manufacturerRootCertificate, pem: stored)])])
        #expect(F.configureLinks(harness.effects).isEmpty)
    }

    @Test func installingACentralSystemRootGivesTheLinkTheNewTrustWithoutReconnecting() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness()
        harness.bootAccepted()
        #expect(install(&harness, "i1", "CentralSystemRootCertificate", pki.csmsRootPEM) == .string("Accepted"))
        let stored = try parsed(pki.csmsRootPEM).pem
        #expect(F.configureLinks(harness.effects).map(\.0) == [F.link(profile: 0, trustedCertificatesPEM: stored)])
        #expect(F.configureLinks(harness.effects).map(\.1) == [false])
    }

    @Test(arguments: ["garbage", "two certificates", "expired"])
    func unusableCertificatesAreRejected(kind: String) throws {
        let pki = try SecurityPKI.get()
        let pem = switch kind {
            case "garbage": "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n"
            case "two certificates": pki.csmsRootPEM + pki.otherRootPEM
            default: pki.expiredRootPEM
        }
        var harness = Harness()
        harness.bootAccepted()
        #expect(install(&harness, "i1", "CentralSystemRootCertificate", pem) == .string("Rejected"))
        #expect(F.savedSecurity(harness.persisted).isEmpty)
        #expect(harness.engine.security.certificates.isEmpty)
    }

    @Test func aFullStoreRejectsAnotherCertificate() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness()
        harness.bootAccepted()
        for (index, pem) in pki.spareRootsPEM.enumerated() {
            #expect(install(&harness, "i\(index)", "ManufacturerRootCertificate", pem) == .string("Accepted"))
        }
        #expect(harness.engine.security.certificates.count == ChargePointEngine.certificateStoreCapacity)
        #expect(install(&harness, "full", "CentralSystemRootCertificate", pki.csmsRootPEM) == .string("Rejected"))
        #expect(harness.engine.security.certificates.count == ChargePointEngine.certificateStoreCapacity)
        // Installing one already there is still fine.
        #expect(install(&harness, "again", "ManufacturerRootCertificate", pki.spareRootsPEM[0]) == .string("Accepted"))
    }

    @Test func reinstallingTheSameCertificateChangesNothing() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness()
        harness.bootAccepted()
        #expect(install(&harness, "i1", "CentralSystemRootCertificate", pki.csmsRootPEM) == .string("Accepted"))
        #expect(install(&harness, "i2", "CentralSystemRootCertificate", pki.csmsRootPEM) == .string("Accepted"))
        #expect(harness.engine.security.certificates.count == 1)
        #expect(F.savedSecurity(harness.persisted).count == 1)
        #expect(F.configureLinks(harness.effects).count == 1)
    }

    @Test func installedIdsAreTheSHA256HashDataOfTheCertificates() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("g0", "GetInstalledCertificateIds", #"{"certificateType":"CentralSystemRootCertificate"}"#)
        #expect(harness.result(answering: "g0") == .object(["status": .string("NotFound")]))
        _ = install(&harness, "i1", "CentralSystemRootCertificate", pki.csmsRootPEM)
        _ = install(&harness, "i2", "ManufacturerRootCertificate", pki.manufacturerRootPEM)
        harness.csmsCall("g1", "GetInstalledCertificateIds", #"{"certificateType":"CentralSystemRootCertificate"}"#)
        let hashes = try parsed(pki.csmsRootPEM).hashes(.sha256)
        #expect(harness.result(answering: "g1") == .object([
            "status": .string("Accepted"),
            "certificateHashData": .array([.object([
                "hashAlgorithm": .string("SHA256"), "issuerNameHash": .string(hashes.issuerNameHash),
                "issuerKeyHash": .string(hashes.issuerKeyHash), "serialNumber": .string(hashes.serialNumber),
            ])]),
        ]))
    }

    @Test func deleteFindsTheCertificateByItsHashes() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness()
        harness.bootAccepted()
        _ = install(&harness, "i1", "CentralSystemRootCertificate", pki.csmsRootPEM)
        _ = install(&harness, "i2", "ManufacturerRootCertificate", pki.manufacturerRootPEM)
        let hashes = try parsed(pki.manufacturerRootPEM).hashes(.sha256)
        #expect(delete(&harness, "d1", hashes) == .string("Accepted"))
        #expect(harness.engine.security.certificates.map(\.use) == [.centralSystemRootCertificate])
        #expect(F.savedSecurity(harness.persisted).last?.certificates.map(\.use) == [.centralSystemRootCertificate])
        #expect(delete(&harness, "d2", hashes) == .string("NotFound"))
    }

    @Test func deleteMatchesUppercaseHexAndSerialsWithLeadingZeros() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness()
        harness.bootAccepted()
        _ = install(&harness, "i1", "ManufacturerRootCertificate", pki.manufacturerRootPEM)
        let hashes = try parsed(pki.manufacturerRootPEM).hashes(.sha256)
        #expect(hashes.serialNumber == "4")
        let written = CertificateHashes(
            hashAlgorithm: .sha256, issuerNameHash: hashes.issuerNameHash.uppercased(),
            issuerKeyHash: hashes.issuerKeyHash.uppercased(), serialNumber: "0004")
        #expect(delete(&harness, "d1", written) == .string("Accepted"))
        #expect(harness.engine.security.certificates.isEmpty)
    }

    @Test func anUnknownCertificateIsNotFound() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness()
        harness.bootAccepted()
        _ = install(&harness, "i1", "CentralSystemRootCertificate", pki.csmsRootPEM)
        #expect(delete(&harness, "d1", try parsed(pki.otherRootPEM).hashes(.sha256)) == .string("NotFound"))
        #expect(harness.engine.security.certificates.count == 1)
    }

    @Test func theLastCentralSystemRootCannotBeDeletedUnderProfileTwo() throws {
        let pki = try SecurityPKI.get()
        let stored = try parsed(pki.csmsRootPEM).pem
        var harness = Harness(
            persisted: PersistedState(
                configuration: ["SecurityProfile": "2"],
                security: SecurityRecord(certificates: [InstalledCertificate(use: .centralSystemRootCertificate, pem: stored)])),
            security: SecuritySettings(authorizationKey: F.key))
        harness.bootAccepted()
        let hashes = try parsed(pki.csmsRootPEM).hashes(.sha256)
        #expect(delete(&harness, "d1", hashes) == .string("Failed"))
        #expect(harness.engine.security.certificates.count == 1)
        #expect(install(&harness, "i1", "CentralSystemRootCertificate", pki.otherRootPEM) == .string("Accepted"))
        #expect(delete(&harness, "d2", hashes) == .string("Accepted"))
    }

    @Test func underProfileZeroTheLastCentralSystemRootMayGo() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness()
        harness.bootAccepted()
        _ = install(&harness, "i1", "CentralSystemRootCertificate", pki.csmsRootPEM)
        #expect(delete(&harness, "d1", try parsed(pki.csmsRootPEM).hashes(.sha256)) == .string("Accepted"))
        #expect(F.configureLinks(harness.effects).map(\.0.trustedCertificatesPEM) == [try parsed(pki.csmsRootPEM).pem, nil])
    }
}
