import Certificates
import EngineSupport
import OCPP201
import TestFixtures
import Testing

@testable import Station201

/// Functional block M (InstallCertificate, DeleteCertificate, GetInstalledCertificateIds) and the station's own
/// certificate ([A02] on request, [A03] before expiry) with a fake clock and the test PKI. The harness's clock
/// says 2027-01-15, inside every validity period of the PKI except the expired root's.
@Suite struct CertificateTests {
    static func registered(
        _ security: SecurityCredentials = SecurityCredentials(), organization: String? = "ACME CPO",
        certificateCapacity: Int = 20, maxCertificateChainSize: Int = 10_000
    ) -> Harness {
        var harness = Harness(
            evses: 1, overrides: organization.map { [("SecurityCtrlr.OrganizationName", $0)] } ?? [], security: security,
            certificateCapacity: certificateCapacity, maxCertificateChainSize: maxCertificateChainSize)
        harness.boot()
        harness.answerAllAccepting()
        return harness
    }

    static func json(_ text: String) -> String { JSONValue.string(text).serialized() }

    static func install(_ harness: inout Harness, _ type: String, _ pem: String) -> String? {
        let id = harness.call("InstallCertificate", #"{"certificateType":"\#(type)","certificate":\#(json(pem))}"#)
        return harness.result(answering: id)?["status"]?.string
    }

    static func installedIds(_ harness: inout Harness, _ types: String? = nil) -> JSONValue? {
        let id = harness.call("GetInstalledCertificateIds", types.map { #"{"certificateType":\#($0)}"# } ?? "{}")
        return harness.result(answering: id)
    }

    static func hashData(_ hashes: CertificateHashes) -> String {
        #"{"hashAlgorithm":"\#(hashes.hashAlgorithm.rawValue)","issuerNameHash":"\#(hashes.issuerNameHash)","#
            + #""issuerKeyHash":"\#(hashes.issuerKeyHash)","serialNumber":"\#(hashes.serialNumber)"}"#
    }

    static func delete(_ harness: inout Harness, _ hashes: CertificateHashes) -> String? {
        let id = harness.call("DeleteCertificate", #"{"certificateHashData":\#(hashData(hashes))}"#)
        return harness.result(answering: id)?["status"]?.string
    }

    static func certificate(_ pem: String) throws -> Certificate { try #require(Certificate.parseChain(pem: pem).first) }

    // MARK: - InstallCertificate [M05]

    @Test func TC_M_01_CS_aCSMSRootIsInstalledPersistedAndTrustedFromTheNextConnection() throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered()
        #expect(Self.install(&harness, "CSMSRootCertificate", pki.csmsRootPEM) == "Accepted")
        let root = try Self.certificate(pki.csmsRootPEM)
        #expect(harness.persisted.contains(.installedCertificate(InstalledCertificate(use: .csmsRootCertificate, pem: root.pem))))
        #expect(harness.engine.linkSecurity.trustedCertificatesPEM == root.pem)
        let update = harness.effects.contains { effect in
            if case .updateLinkSecurity(let security) = effect { return security.trustedCertificatesPEM == root.pem }
            return false
        }
        #expect(update)
        let reconnected = harness.effects.contains { if case .useCSMS = $0 { true } else { false } }
        #expect(!reconnected)
    }

    @Test(arguments: ["ManufacturerRootCertificate", "V2GRootCertificate", "MORootCertificate"])
    func everyRootTypeIsInstalledAndReportedAsItsType(type: String) throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered()
        #expect(Self.install(&harness, type, pki.manufacturerRootPEM) == "Accepted")
        let chain = Self.installedIds(&harness)?["certificateHashDataChain"]
        #expect(chain?[0]?["certificateType"]?.string == type)
        #expect(harness.engine.linkSecurity.trustedCertificatesPEM == nil)
    }

    @Test func anExpiredCertificateGarbageAndTwoCertificatesAreRejectedAndNothingIsStored() throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered()
        for pem in [pki.expiredRootPEM, "not a certificate", pki.csmsRootPEM + pki.otherRootPEM, pki.clientKeyPEM] {
            #expect(Self.install(&harness, "CSMSRootCertificate", pem) == "Rejected")
        }
        #expect(!harness.persisted.contains { if case .installedCertificate = $0 { true } else { false } })
        #expect(Self.installedIds(&harness)?["status"]?.string == "NotFound")
    }

    @Test func theSameCertificateAgainReplacesItselfAndCertificateEntriesBoundsTheStore() throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered(certificateCapacity: 2)
        #expect(Self.install(&harness, "CSMSRootCertificate", pki.csmsRootPEM) == "Accepted")
        #expect(Self.install(&harness, "CSMSRootCertificate", pki.csmsRootPEM) == "Accepted")
        #expect(harness.engine.installedCertificates.count == 1)
        #expect(Self.install(&harness, "CSMSRootCertificate", pki.spareRootsPEM[0]) == "Accepted")
        #expect(Self.install(&harness, "CSMSRootCertificate", pki.spareRootsPEM[1]) == "Rejected")
        #expect(harness.engine.installedCertificates.count == 2)
        let entries = SecurityTests.read(&harness, "CertificateEntries")
        #expect(entries?["attributeValue"]?.string == "2")
    }

    @Test func malformedRequestsGetTheirCallErrors() {
        var harness = Self.registered()
        let missing = harness.call("InstallCertificate", #"{"certificateType":"CSMSRootCertificate"}"#)
        #expect(harness.errorCode(answering: missing) == "OccurrenceConstraintViolation")
        let unknownType = harness.call("InstallCertificate", #"{"certificateType":"Mine","certificate":"x"}"#)
        #expect(harness.errorCode(answering: unknownType) == "PropertyConstraintViolation")
        let emptyList = harness.call("GetInstalledCertificateIds", #"{"certificateType":[]}"#)
        #expect(harness.errorCode(answering: emptyList) == "OccurrenceConstraintViolation")
        let longSerial = harness.call(
            "DeleteCertificate",
            #"{"certificateHashData":{"hashAlgorithm":"SHA256","issuerNameHash":"a","issuerKeyHash":"b","serialNumber":"\#(String(repeating: "1", count: 41))"}}"#)
        #expect(harness.errorCode(answering: longSerial) == "PropertyConstraintViolation")
    }

    // MARK: - GetInstalledCertificateIds [M03]

    @Test func TC_M_17_CS_theHashDataOfTheTypesAskedForAndNotFoundForTheV2GChain() throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered()
        #expect(Self.installedIds(&harness)?["status"]?.string == "NotFound")
        _ = Self.install(&harness, "CSMSRootCertificate", pki.csmsRootPEM)
        _ = Self.install(&harness, "ManufacturerRootCertificate", pki.manufacturerRootPEM)
        let both = Self.installedIds(&harness, #"["CSMSRootCertificate","ManufacturerRootCertificate"]"#)
        #expect(both?["status"]?.string == "Accepted")
        let expected = CertificateHashData(try Self.certificate(pki.csmsRootPEM).hashes(.sha256))
        let first = both?["certificateHashDataChain"]?[0]
        #expect(first?["certificateType"]?.string == "CSMSRootCertificate")
        #expect(first?["certificateHashData"]?["issuerNameHash"]?.string == expected.issuerNameHash.value)
        #expect(first?["certificateHashData"]?["issuerKeyHash"]?.string == expected.issuerKeyHash.value)
        #expect(first?["certificateHashData"]?["serialNumber"]?.string == "1")
        #expect(first?["certificateHashData"]?["hashAlgorithm"]?.string == "SHA256")
        #expect(both?["certificateHashDataChain"]?[1]?["certificateType"]?.string == "ManufacturerRootCertificate")
        let manufacturerOnly = Self.installedIds(&harness, #"["ManufacturerRootCertificate"]"#)
        #expect(manufacturerOnly?["certificateHashDataChain"]?[1] == nil)
        #expect(Self.installedIds(&harness, #"["V2GCertificateChain"]"#)?["status"]?.string == "NotFound")
        #expect(Self.installedIds(&harness)?["certificateHashDataChain"]?[1] != nil)
    }

    // MARK: - DeleteCertificate [M04]

    @Test(arguments: [Certificates.HashAlgorithm.sha256, .sha384, .sha512])
    func TC_M_20_CS_aCertificateNamedByItsHashesIsDeletedWithTheAlgorithmGiven(algorithm: Certificates.HashAlgorithm) throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered()
        _ = Self.install(&harness, "CSMSRootCertificate", pki.csmsRootPEM)
        _ = Self.install(&harness, "ManufacturerRootCertificate", pki.manufacturerRootPEM)
        var hashes = try Self.certificate(pki.csmsRootPEM).hashes(algorithm)
        hashes.issuerKeyHash = hashes.issuerKeyHash.uppercased()
        hashes.serialNumber = "0001"
        #expect(Self.delete(&harness, hashes) == "Accepted")
        let root = try Self.certificate(pki.csmsRootPEM)
        #expect(harness.persisted.contains(.installedCertificateRemoved(InstalledCertificate(use: .csmsRootCertificate, pem: root.pem))))
        #expect(harness.engine.installedCertificates.certificates(.csmsRootCertificate).isEmpty)
        #expect(harness.engine.installedCertificates.count == 1)
        #expect(harness.engine.linkSecurity.trustedCertificatesPEM == nil)
    }

    @Test func TC_M_22_CS_anUnknownCertificateIsNotFound() throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered()
        _ = Self.install(&harness, "CSMSRootCertificate", pki.csmsRootPEM)
        #expect(Self.delete(&harness, try Self.certificate(pki.otherRootPEM).hashes(.sha256)) == "NotFound")
        #expect(harness.engine.installedCertificates.count == 1)
    }

    @Test func TC_M_23_CS_theStationsOwnCertificateIsNeverDeleted() throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered(SecurityCredentials(
            profile: 3, trustedCertificatesPEM: pki.csmsRootPEM, clientCertificateChainPEM: pki.clientCertificatePEM,
            clientKeyPEM: pki.clientKeyPEM))
        let leaf = try Self.certificate(pki.clientCertificatePEM)
        let hashes = leaf.hashes(.sha256, issuer: try Self.certificate(pki.csmsRootPEM))
        #expect(Self.delete(&harness, hashes) == "Failed")
        #expect(harness.engine.linkSecurity.clientCertificateChainPEM == pki.clientCertificatePEM)
    }

    // MARK: - A02: the station's certificate on request

    /// Triggers SignChargingStationCertificate; returns the CSR of the SignCertificate CALL, still unanswered.
    static func requestCertificate(_ harness: inout Harness) throws -> (csr: String, call: SentCall) {
        let id = harness.call("TriggerMessage", #"{"requestedMessage":"SignChargingStationCertificate"}"#)
        #expect(harness.result(answering: id)?["status"]?.string == "Accepted")
        let call = try #require(harness.outstanding)
        #expect(call.action == "SignCertificate")
        return (try #require(call["csr"]?.string), call)
    }

    static func certificateSigned(_ harness: inout Harness, _ chain: String, type: String? = nil) -> JSONValue? {
        let typeMember = type.map { #","certificateType":"\#($0)""# } ?? ""
        let id = harness.call("CertificateSigned", #"{"certificateChain":\#(json(chain))\#(typeMember)}"#)
        return harness.result(answering: id)
    }

    @Test func withoutAnOrganizationNameTheTriggerIsRejected() {
        var harness = Self.registered(organization: nil)
        let id = harness.call("TriggerMessage", #"{"requestedMessage":"SignChargingStationCertificate"}"#)
        #expect(harness.result(answering: id)?["status"]?.string == "Rejected")
        #expect(harness.calls("SignCertificate").isEmpty)
    }

    @Test func theTriggerIsAnsweredFirstThenACSRForANewKeyWithTheOrganizationAndIdentityGoes() throws {
        var harness = Self.registered()
        let triggerPosition = harness.effects.count
        let (csr, call) = try Self.requestCertificate(&harness)
        #expect(call["certificateType"]?.string == "ChargingStationCertificate")
        #expect(try SecurityPKI.verifiedSubject(ofCSR: csr) == "subject=CN = CS1, O = ACME CPO")
        let answer = harness.position { effect in
            if case .send(let text) = effect { return text.hasPrefix("[3,") }
            return false
        }
        let request = harness.position { effect in
            if case .send(let text) = effect { return text.contains("SignCertificate") }
            return false
        }
        #expect(try #require(answer) >= triggerPosition)
        #expect(try #require(answer) < #require(request))
        let pending = try #require(harness.engine.certificateSigning.pending)
        #expect(pending.csr == csr)
        #expect(harness.persisted.contains(.pendingCertificateRequest(pending)))
        #expect(!"\(pending)".contains("PRIVATE KEY"))
    }

    @Test func TC_A_11_CS_aCertificateForTheRequestThatChainsToAnInstalledRootIsTakenAndUsedUnderProfile3() throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered(SecurityCredentials(
            profile: 3, clientCertificateChainPEM: pki.clientCertificatePEM, clientKeyPEM: pki.clientKeyPEM))
        _ = Self.install(&harness, "CSMSRootCertificate", pki.csmsRootPEM)
        let (csr, _) = try Self.requestCertificate(&harness)
        harness.answerOutstanding(#"{"status":"Accepted"}"#)
        let leaf = try SecurityPKI.sign(csr: csr, rootPEM: pki.csmsRootPEM, rootKeyPEM: pki.csmsRootKeyPEM)
        let key = try #require(harness.engine.certificateSigning.pending?.keyPEM)
        #expect(Self.certificateSigned(&harness, leaf, type: "ChargingStationCertificate")?["status"]?.string == "Accepted")
        let chainPEM = try Self.certificate(leaf).pem
        let record = SignedStationCertificate(chainPEM: chainPEM, keyPEM: key)
        #expect(harness.persisted.contains(.stationCertificate(record)))
        #expect(harness.persisted.contains(.pendingCertificateRequest(nil)))
        #expect(harness.engine.linkSecurity.clientCertificateChainPEM == chainPEM)
        #expect(harness.engine.linkSecurity.clientKeyPEM == key)
        let reconnect = harness.effects.contains { effect in
            if case .useCSMS(_, let security) = effect { return security.clientCertificateChainPEM == chainPEM }
            return false
        }
        #expect(reconnect)
        // The same certificate again has no request to belong to.
        #expect(Self.certificateSigned(&harness, leaf)?["status"]?.string == "Rejected")
    }

    @Test func aCertificateValidFromTomorrowIsUsedFromTomorrow() throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered(Self.profile3(pki))
        let (csr, _) = try Self.requestCertificate(&harness)
        harness.answerOutstanding(#"{"status":"Accepted"}"#)
        // The harness's CSMS says 2027-01-15T08:00:00Z.
        let leaf = try SecurityPKI.sign(
            csr: csr, rootPEM: pki.csmsRootPEM, rootKeyPEM: pki.csmsRootKeyPEM, from: "20270116000000Z")
        #expect(Self.certificateSigned(&harness, leaf)?["status"]?.string == "Accepted")
        func reconnects() -> [LinkSecurity] {
            harness.effects.compactMap { effect in
                if case .useCSMS(_, let security) = effect { return security }
                return nil
            }
        }
        #expect(reconnects().isEmpty)
        #expect(harness.engine.linkSecurity.clientCertificateChainPEM == pki.clientCertificatePEM)
        harness.advance(by: .seconds(16 * 3600 - 1))
        #expect(reconnects().isEmpty)
        harness.advance(by: .seconds(1))
        #expect(reconnects().map(\.clientCertificateChainPEM) == [try Self.certificate(leaf).pem])
    }

    @Test func underProfile2TheCertificateIsKeptWithoutReconnecting() throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered(SecurityCredentials(
            profile: 2, basicAuthPassword: SecurityTests.password, trustedCertificatesPEM: pki.csmsRootPEM))
        let (csr, _) = try Self.requestCertificate(&harness)
        harness.answerOutstanding(#"{"status":"Accepted"}"#)
        let leaf = try SecurityPKI.sign(csr: csr, rootPEM: pki.csmsRootPEM, rootKeyPEM: pki.csmsRootKeyPEM)
        #expect(Self.certificateSigned(&harness, leaf)?["status"]?.string == "Accepted")
        #expect(harness.engine.canUseProfile3)
        let reconnected = harness.effects.contains { if case .useCSMS = $0 { true } else { false } }
        #expect(!reconnected)
    }

    @Test(arguments: ["untrusted", "foreignKey", "garbage", "tooLarge", "v2g"])
    func TC_A_14_CS_anUnfitCertificateIsRejectedDiscardedAndReported(kind: String) throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered(maxCertificateChainSize: 1000)
        _ = Self.install(&harness, "CSMSRootCertificate", pki.csmsRootPEM)
        let (csr, _) = try Self.requestCertificate(&harness)
        harness.answerOutstanding(#"{"status":"Accepted"}"#)
        let chain: String
        var type: String?
        switch kind {
        case "untrusted": chain = try SecurityPKI.sign(csr: csr, rootPEM: pki.otherRootPEM, rootKeyPEM: pki.otherRootKeyPEM)
        case "foreignKey": chain = pki.clientCertificatePEM
        case "garbage": chain = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        case "tooLarge": chain = try SecurityPKI.sign(csr: csr, rootPEM: pki.csmsRootPEM, rootKeyPEM: pki.csmsRootKeyPEM)
            + String(repeating: "\n", count: 1000)
        default:
            chain = try SecurityPKI.sign(csr: csr, rootPEM: pki.csmsRootPEM, rootKeyPEM: pki.csmsRootKeyPEM)
            type = "V2GCertificate"
        }
        let answer = Self.certificateSigned(&harness, chain, type: type)
        #expect(answer?["status"]?.string == "Rejected")
        let why = answer?["statusInfo"]?["additionalInfo"]?.string ?? ""
        #expect(why.contains("MaxCertificateChainSize") == (kind == "tooLarge"))
        #expect(harness.engine.signedCertificate == nil)
        #expect(!harness.persisted.contains { if case .stationCertificate = $0 { true } else { false } })
        let events = harness.calls("SecurityEventNotification").filter { $0["type"]?.string == "InvalidChargingStationCertificate" }
        #expect(events.count == (kind == "v2g" ? 0 : 1))
    }

    @Test func TC_A_15_CS_aRejectedSigningRequestEndsTheRequestWithoutResends() throws {
        var harness = Self.registered()
        _ = try Self.requestCertificate(&harness)
        harness.answerOutstanding(#"{"status":"Rejected"}"#)
        #expect(harness.engine.certificateSigning.pending == nil)
        #expect(harness.persisted.last == .pendingCertificateRequest(nil))
        harness.advance(by: .seconds(3600))
        harness.answerAllAccepting()
        #expect(harness.calls("SignCertificate").count == 1)
    }

    @Test func withoutACertificateTheCSRGoesAgainAfterDoublingWaitsThenTheStationWaitsForATrigger() throws {
        var harness = Self.registered()
        let (csr, _) = try Self.requestCertificate(&harness)
        harness.answerOutstanding(#"{"status":"Accepted"}"#)
        harness.advance(by: .seconds(29))
        #expect(harness.calls("SignCertificate").count == 1)
        harness.advance(by: .seconds(1))
        #expect(harness.calls("SignCertificate").count == 2)
        #expect(harness.calls("SignCertificate").last?["csr"]?.string == csr)
        harness.answerOutstanding(#"{"status":"Accepted"}"#)
        harness.advance(by: .seconds(59))
        #expect(harness.calls("SignCertificate").count == 2)
        harness.advance(by: .seconds(1))
        #expect(harness.calls("SignCertificate").count == 3)
        harness.answerOutstanding(#"{"status":"Accepted"}"#)
        harness.advance(by: .seconds(3600))
        harness.answerAllAccepting()
        #expect(harness.calls("SignCertificate").count == 3)
        // The key still waits: a late certificate is taken.
        #expect(harness.engine.certificateSigning.pending?.csr == csr)
    }

    @Test func aPendingRequestAndTheSignedCertificateSurviveARestart() throws {
        let pki = try SecurityPKI.get()
        var harness = Self.registered()
        _ = Self.install(&harness, "CSMSRootCertificate", pki.csmsRootPEM)
        let (csr, _) = try Self.requestCertificate(&harness)
        let root = try Self.certificate(pki.csmsRootPEM)
        let pending = try #require(harness.engine.certificateSigning.pending)
        var restarted = Harness(
            evses: 1,
            persisted: PersistedState(
                installedCertificates: [InstalledCertificate(use: .csmsRootCertificate, pem: root.pem)],
                pendingCertificateRequest: pending),
            security: SecurityCredentials(profile: 3))
        #expect(restarted.engine.linkSecurityProblem != nil)
        restarted.boot()
        restarted.answerAllAccepting()
        let leaf = try SecurityPKI.sign(csr: csr, rootPEM: pki.csmsRootPEM, rootKeyPEM: pki.csmsRootKeyPEM)
        #expect(Self.certificateSigned(&restarted, leaf)?["status"]?.string == "Accepted")
        let record = SignedStationCertificate(chainPEM: try Self.certificate(leaf).pem, keyPEM: pending.keyPEM)
        let again = Harness(
            evses: 1,
            persisted: PersistedState(
                installedCertificates: [InstalledCertificate(use: .csmsRootCertificate, pem: root.pem)],
                stationCertificate: record),
            security: SecurityCredentials(profile: 3))
        #expect(again.engine.linkSecurityProblem == nil)
        #expect(again.engine.linkSecurity == LinkSecurity(
            profile: 3, trustedCertificatesPEM: root.pem, clientCertificateChainPEM: record.chainPEM, clientKeyPEM: record.keyPEM))
    }

    // MARK: - A03: renewal before expiry

    /// Registers with the CSMS's clock at `currentTime`.
    static func registered(at currentTime: String, _ security: SecurityCredentials) -> Harness {
        var harness = Harness(evses: 1, overrides: [("SecurityCtrlr.OrganizationName", "ACME CPO")], security: security)
        harness.handle(.linkUp)
        harness.answerOutstanding(#"{"currentTime":"\#(currentTime)","interval":300,"status":"Accepted"}"#)
        return harness
    }

    static func profile3(_ pki: SecurityPKI) -> SecurityCredentials {
        SecurityCredentials(
            profile: 3, trustedCertificatesPEM: pki.csmsRootPEM, clientCertificateChainPEM: pki.clientCertificatePEM,
            clientKeyPEM: pki.clientKeyPEM)
    }

    @Test func aCertificateFarFromExpiryIsLeftAlone() throws {
        var harness = Self.registered(at: "2027-01-15T08:00:00.000Z", Self.profile3(try SecurityPKI.get()))
        harness.answerAllAccepting()
        #expect(harness.calls("SignCertificate").isEmpty)
        // The installer's certificate expires 2035-01-01: the renewal is due 30 days before.
        let due = try #require(harness.engine.certificateRenewalDue)
        let expected = Timestamp(millisecondsSince1970: (Int64(2_051_222_400) - 30 * 86_400) * 1000)
        #expect(due == harness.engine.now.uptime(at: expected))
    }

    @Test func aMonthBeforeExpiryTheStationAsksOnItsOwnThenDailyUntilACertificateComes() throws {
        var harness = Self.registered(at: "2034-12-10T00:00:00.000Z", Self.profile3(try SecurityPKI.get()))
        harness.answerAllAccepting()
        #expect(harness.calls("SignCertificate").count == 1)
        harness.advance(by: .seconds(86_399))
        harness.answerAllAccepting()
        // Two resends of the first CSR, no new one yet.
        #expect(Set(harness.calls("SignCertificate").compactMap { $0["csr"]?.string }).count == 1)
        harness.advance(by: .seconds(1))
        harness.answerAllAccepting()
        #expect(Set(harness.calls("SignCertificate").compactMap { $0["csr"]?.string }).count == 2)
    }
}
