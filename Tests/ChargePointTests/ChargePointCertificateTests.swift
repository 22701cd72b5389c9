import Certificates
import OCPP16
import TestFixtures
import Testing

@testable import ChargePoint

@Suite struct ChargePointCertificateTests {
    typealias F = SecurityFixture

    /// Sets CpoName and triggers SignChargePointCertificate; returns the CSR of the SignCertificate CALL.
    private func requestCertificate(_ harness: inout Harness) throws -> String {
        harness.csmsCall("n1", "ChangeConfiguration", #"{"key":"CpoName","value":"ACME CPO"}"#)
        harness.acknowledgeAll()  // ReconfigurationOfSecurityParameters
        harness.csmsCall("s1", "ExtendedTriggerMessage", #"{"requestedMessage":"SignChargePointCertificate"}"#)
        #expect(harness.result(answering: "s1")?["status"] == .string("Accepted"))
        let call = try #require(harness.outstanding)
        #expect(call.action == "SignCertificate")
        let csr = try #require(call["csr"]?.stringValue)
        harness.respond(#"{"status":"Accepted"}"#)
        return csr
    }

    private func certificateSigned(_ harness: inout Harness, _ id: String, _ chain: String) -> JSONValue? {
        harness.csmsCall(id, "CertificateSigned", #"{"certificateChain":\#(jsonString(chain))}"#)
        return harness.result(answering: id)?["status"]
    }

    @Test func withoutCpoNameTheRequestIsRejected() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("s1", "ExtendedTriggerMessage", #"{"requestedMessage":"SignChargePointCertificate"}"#)
        #expect(harness.result(answering: "s1")?["status"] == .string("Rejected"))
        #expect(harness.calls("SignCertificate").isEmpty)
        #expect(F.savedSecurity(harness.persisted).isEmpty)
    }

    @Test func theRequestCarriesACSRForTheIdentityAndCpoNameAndKeepsItsKey() throws {
        var harness = Harness()
        harness.bootAccepted()
        let csr = try requestCertificate(&harness)
        #expect(try SecurityPKI.verifiedSubject(ofCSR: csr) == "subject=CN = CP1, O = ACME CPO")
        let saved = try #require(F.savedSecurity(harness.persisted).last)
        let key = try #require(saved.pendingKeyPEM)
        #expect(key.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        #expect(saved.chargePointKeyPEM == nil && saved.chargePointCertificateChainPEM == nil)
    }

    @Test func aTrustedCertificateForTheRequestIsInstalled() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness(security: SecuritySettings(trustedCertificatesPEM: pki.csmsRootPEM))
        harness.bootAccepted()
        let csr = try requestCertificate(&harness)
        let pendingKey = try #require(F.savedSecurity(harness.persisted).last?.pendingKeyPEM)
        let leaf = try SecurityPKI.sign(csr: csr, rootPEM: pki.csmsRootPEM, rootKeyPEM: pki.csmsRootKeyPEM)
        #expect(certificateSigned(&harness, "c1", leaf) == .string("Accepted"))
        let saved = try #require(F.savedSecurity(harness.persisted).last)
        #expect(saved.chargePointCertificateChainPEM == (try Certificate.parseChain(pem: leaf)).map(\.pem).joined())
        #expect(saved.chargePointKeyPEM == pendingKey)
        #expect(saved.pendingKeyPEM == nil)
        #expect(F.configureLinks(harness.effects).isEmpty)  // profile 0: nothing to reconnect for
    }

    @Test func underProfileThreeTheNewCertificateIsUsedAtOnce() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness(
            persisted: PersistedState(configuration: ["SecurityProfile": "3"]),
            security: SecuritySettings(
                trustedCertificatesPEM: pki.csmsRootPEM, clientCertificateChainPEM: pki.clientCertificatePEM,
                clientKeyPEM: pki.clientKeyPEM))
        harness.bootAccepted()
        let csr = try requestCertificate(&harness)
        let pendingKey = try #require(F.savedSecurity(harness.persisted).last?.pendingKeyPEM)
        let leaf = try SecurityPKI.sign(csr: csr, rootPEM: pki.csmsRootPEM, rootKeyPEM: pki.csmsRootKeyPEM)
        let chain = (try Certificate.parseChain(pem: leaf)).map(\.pem).joined()
        #expect(certificateSigned(&harness, "c1", leaf) == .string("Accepted"))
        #expect(F.configureLinks(harness.effects).map(\.0) == [F.link(
            profile: 3, trustedCertificatesPEM: pki.csmsRootPEM, clientCertificateChainPEM: chain, clientKeyPEM: pendingKey)])
        #expect(F.configureLinks(harness.effects).map(\.1) == [true])
    }

    @Test(arguments: ["wrong key", "untrusted", "no request"])
    func anUnfitCertificateIsRejectedAndReported(kind: String) throws {
        let pki = try SecurityPKI.get()
        var harness = Harness(security: SecuritySettings(trustedCertificatesPEM: pki.csmsRootPEM))
        harness.bootAccepted()
        let chain: String
        switch kind {
        case "wrong key":
            _ = try requestCertificate(&harness)
            chain = pki.clientCertificatePEM
        case "untrusted":
            let csr = try requestCertificate(&harness)
            chain = try SecurityPKI.sign(csr: csr, rootPEM: pki.otherRootPEM, rootKeyPEM: pki.otherRootKeyPEM)
        default:
            chain = pki.clientCertificatePEM
        }
        let savedBefore = F.savedSecurity(harness.persisted).count
        #expect(certificateSigned(&harness, "c1", chain) == .string("Rejected"))
        #expect(F.savedSecurity(harness.persisted).count == savedBefore)
        #expect(harness.engine.security.chargePointCertificateChainPEM == nil)
        #expect(F.eventTypes(harness.persisted).last == .invalidChargePointCertificate)
        harness.acknowledgeAll()
        #expect(harness.calls("SecurityEventNotification").last?["type"] == .string("InvalidChargePointCertificate"))
    }
}

@Suite struct ExtendedTriggerMessageTests {
    private func trigger(_ harness: inout Harness, _ id: String, _ message: String, connector: Int? = nil) -> JSONValue? {
        let connectorField = connector.map { #","connectorId":\#($0)"# } ?? ""
        harness.csmsCall(id, "ExtendedTriggerMessage", #"{"requestedMessage":"\#(message)"\#(connectorField)}"#)
        return harness.result(answering: id)?["status"]
    }

    @Test func bootNotificationIsRejectedOnceAccepted() {
        var harness = Harness()
        harness.bootAccepted()
        #expect(trigger(&harness, "t1", "BootNotification") == .string("Rejected"))
        #expect(harness.calls("BootNotification").count == 1)
    }

    @Test(arguments: [("Heartbeat", nil), ("MeterValues", 1), ("StatusNotification", 2)] as [(String, Int?)])
    func coreMessagesAreSentAsWithTriggerMessage(message: String, connector: Int?) throws {
        var harness = Harness()
        harness.bootAccepted()
        #expect(trigger(&harness, "t1", message, connector: connector) == .string("Accepted"))
        let call = try #require(harness.outstanding)
        #expect(call.action == message)
        if let connector { #expect(call["connectorId"] == .integer(Int64(connector))) }
    }

    @Test func anUnknownConnectorIsRejected() {
        var harness = Harness()
        harness.bootAccepted()
        #expect(trigger(&harness, "t1", "StatusNotification", connector: 3) == .string("Rejected"))
        #expect(harness.outstanding == nil)
    }

    @Test func firmwareStatusIsTheSignedNotificationIdleWithoutRequestId() throws {
        var harness = Harness()
        harness.bootAccepted()
        #expect(trigger(&harness, "t1", "FirmwareStatusNotification") == .string("Accepted"))
        let call = try #require(harness.outstanding)
        #expect(call.action == "SignedFirmwareStatusNotification")
        #expect(call.payload == .object(["status": .string("Idle")]))
    }

    @Test func logStatusIsIdleWithoutRequestIdAndUploadingWithItDuringAnUpload() throws {
        var harness = Harness()
        harness.bootAccepted()
        #expect(trigger(&harness, "t1", "LogStatusNotification") == .string("Accepted"))
        #expect(harness.outstanding?.payload == .object(["status": .string("Idle")]))
        harness.acknowledgeAll()
        harness.csmsCall("l1", "GetLog", #"{"logType":"SecurityLog","requestId":42,"log":{"remoteLocation":"ftp://logs/in/"}}"#)
        harness.acknowledgeAll()
        #expect(trigger(&harness, "t2", "LogStatusNotification") == .string("Accepted"))
        #expect(harness.outstanding?.payload == .object(["status": .string("Uploading"), "requestId": .integer(42)]))
    }
}

/// [SEC] A03: the charge point renews its own certificate a month before it expires.
@Suite struct CertificateRenewalTests {
    typealias F = SecurityFixture
    /// 2029-12-02T00:00:00Z, 30 days before the signed leaf's notAfter (2030-01-01).
    static let renewalDueMillis: Int64 = 1_890_864_000_000

    /// A charge point holding a CSMS-signed certificate valid 2026-01-01 … 2030-01-01, CpoName set.
    private func harnessWithSignedCertificate() throws -> Harness {
        let pki = try SecurityPKI.get()
        let key = try PrivateKey.generateP256()
        let csr = try key.certificateSigningRequest(commonName: "CP1", organization: "ACME CPO")
        let leaf = try SecurityPKI.sign(csr: csr, rootPEM: pki.csmsRootPEM, rootKeyPEM: pki.csmsRootKeyPEM)
        let record = SecurityRecord(chargePointCertificateChainPEM: leaf, chargePointKeyPEM: key.pem)
        var harness = Harness(
            persisted: PersistedState(configuration: ["CpoName": "ACME CPO"], security: record),
            security: SecuritySettings(trustedCertificatesPEM: pki.csmsRootPEM))
        harness.bootAccepted()
        return harness
    }

    @Test func aCertificateFarFromExpiryIsLeftAlone() throws {
        var harness = try harnessWithSignedCertificate()
        harness.advance(by: .seconds(3600))
        #expect(harness.calls("SignCertificate").isEmpty)
    }

    @Test func aMonthBeforeExpiryTheChargePointAsksOnItsOwnThenDailyUntilOneArrives() throws {
        var harness = try harnessWithSignedCertificate()
        harness.wallClock = Self.renewalDueMillis - 1000
        harness.advance(by: .seconds(1))
        harness.acknowledgeAll()
        #expect(harness.calls("SignCertificate").count == 1)
        let pending = try #require(F.savedSecurity(harness.persisted).last?.pendingKeyPEM)
        #expect(pending.hasPrefix("-----BEGIN PRIVATE KEY-----"))
        harness.advance(by: .seconds(86_399))
        harness.acknowledgeAll()
        #expect(harness.calls("SignCertificate").count == 1)
        harness.advance(by: .seconds(1))
        harness.acknowledgeAll()
        #expect(harness.calls("SignCertificate").count == 2)
    }

    /// The renewal date is one of the engine's deadlines, so an idle charge point wakes for it.
    @Test func theRenewalIsADeadline() throws {
        var harness = try harnessWithSignedCertificate()
        harness.wallClock = Self.renewalDueMillis - 5000
        harness.handle(.tick)
        #expect(harness.engine.nextDeadline == harness.uptime + .seconds(5))
    }
}
