import EngineSupport
import OCPP16
import TestFixtures
import Testing

@testable import ChargePoint

/// Shared pieces of the security tests.
enum SecurityFixture {
    static let key = "0123456789abcdefXYZ!"
    static var keyBytes: [UInt8] { Array(key.utf8) }

    static func configureLinks(_ effects: [Effect]) -> [(LinkSecurity, Bool)] {
        effects.compactMap { if case .configureLink(let security, let reconnect) = $0 { (security, reconnect) } else { nil } }
    }

    static func events(_ changes: [StoreChange]) -> [SecurityEvent] {
        changes.compactMap { if case .appendSecurityEvent(let event) = $0 { event } else { nil } }
    }

    static func eventTypes(_ changes: [StoreChange]) -> [SecurityEventType] { events(changes).map(\.type) }

    static func savedConfiguration(_ changes: [StoreChange], _ key: String) -> [String] {
        changes.compactMap { if case .saveConfiguration(key, let value) = $0 { value } else { nil } }
    }

    static func savedSecurity(_ changes: [StoreChange]) -> [SecurityRecord] {
        changes.compactMap { if case .saveSecurity(let record) = $0 { record } else { nil } }
    }

    static func link(
        profile: Int, basicAuthPassword: [UInt8]? = nil, trustedCertificatesPEM: String? = nil,
        clientCertificateChainPEM: String? = nil, clientKeyPEM: String? = nil
    ) -> LinkSecurity {
        LinkSecurity(
            profile: profile, basicAuthPassword: basicAuthPassword, trustedCertificatesPEM: trustedCertificatesPEM,
            clientCertificateChainPEM: clientCertificateChainPEM, clientKeyPEM: clientKeyPEM)
    }

    static func jobs(_ effects: [Effect]) -> [Job] {
        effects.compactMap { if case .start(let job) = $0 { job } else { nil } }
    }
}

@Suite struct SecurityProfileTests {
    typealias F = SecurityFixture

    private func change(_ harness: inout Harness, _ id: String, profile: String) -> JSONValue? {
        harness.csmsCall(id, "ChangeConfiguration", #"{"key":"SecurityProfile","value":"\#(profile)"}"#)
        return harness.result(answering: id)?["status"]
    }

    @Test func aProfileAtOrBelowTheCurrentOneIsRejected() {
        var harness = Harness(
            persisted: PersistedState(configuration: ["SecurityProfile": "1"]),
            security: SecuritySettings(authorizationKey: F.key))
        harness.bootAccepted()
        #expect(change(&harness, "c1", profile: "1") == .string("Rejected"))
        #expect(change(&harness, "c2", profile: "0") == .string("Rejected"))
        #expect(harness.engine.configuration.integer(.securityProfile) == 1)
        #expect(F.configureLinks(harness.effects).isEmpty)
    }

    @Test func profilesOneAndTwoNeedAValidAuthorizationKey() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness(security: SecuritySettings(trustedCertificatesPEM: pki.csmsRootPEM))
        harness.bootAccepted()
        #expect(change(&harness, "c1", profile: "1") == .string("Rejected"))
        #expect(change(&harness, "c2", profile: "2") == .string("Rejected"))
        var invalidKey = Harness(security: SecuritySettings(authorizationKey: "short"))
        invalidKey.bootAccepted()
        #expect(change(&invalidKey, "c3", profile: "1") == .string("Rejected"))
        #expect(harness.engine.configuration.integer(.securityProfile) == 0)
    }

    @Test func profilesTwoAndThreeNeedATrustedRoot() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness(security: SecuritySettings(
            authorizationKey: F.key, clientCertificateChainPEM: pki.clientCertificatePEM, clientKeyPEM: pki.clientKeyPEM))
        harness.bootAccepted()
        #expect(change(&harness, "c1", profile: "2") == .string("Rejected"))
        #expect(change(&harness, "c2", profile: "3") == .string("Rejected"))
        #expect(harness.engine.configuration.integer(.securityProfile) == 0)
    }

    @Test func anInstalledCentralSystemRootCertificateIsATrustedRoot() throws {
        let pki = try SecurityPKI.get()
        let security = SecurityRecord(certificates: [InstalledCertificate(use: .centralSystemRootCertificate, pem: pki.csmsRootPEM)])
        var harness = Harness(persisted: PersistedState(security: security), security: SecuritySettings(authorizationKey: F.key))
        harness.bootAccepted()
        #expect(change(&harness, "c1", profile: "2") == .string("Accepted"))
        #expect(F.configureLinks(harness.effects).first?.0.trustedCertificatesPEM == pki.csmsRootPEM)
    }

    @Test func profileThreeNeedsAClientCredential() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness(security: SecuritySettings(trustedCertificatesPEM: pki.csmsRootPEM))
        harness.bootAccepted()
        #expect(change(&harness, "c1", profile: "3") == .string("Rejected"))
        var withCredential = Harness(security: SecuritySettings(
            trustedCertificatesPEM: pki.csmsRootPEM, clientCertificateChainPEM: pki.clientCertificatePEM,
            clientKeyPEM: pki.clientKeyPEM))
        withCredential.bootAccepted()
        #expect(change(&withCredential, "c2", profile: "3") == .string("Accepted"))
    }

    @Test func acceptedIsAnsweredBeforeTheLinkReconnectsWithTheNewProfile() throws {
        var harness = Harness(security: SecuritySettings(authorizationKey: F.key))
        harness.bootAccepted()
        let produced = harness.handle(.received(#"[2,"c1","ChangeConfiguration",{"key":"SecurityProfile","value":"1"}]"#))
        let answer = try #require(produced.firstIndex { effect in
            if case .send(let text) = effect { return text.contains("\"c1\"") }
            return false
        })
        let reconfigure = try #require(produced.firstIndex { if case .configureLink = $0 { true } else { false } })
        #expect(harness.result(answering: "c1")?["status"] == .string("Accepted"))
        #expect(answer < reconfigure)
        #expect(produced[reconfigure] == .configureLink(
            LinkSecurity(profile: 1, basicAuthPassword: F.keyBytes, trustedCertificatesPEM: nil,
                         clientCertificateChainPEM: nil, clientKeyPEM: nil),
            reconnect: true))
    }

    @Test func theRaiseIsPersistedOnlyOnceTheNewProfileConnected() {
        var harness = Harness(security: SecuritySettings(authorizationKey: F.key))
        harness.bootAccepted()
        #expect(change(&harness, "c1", profile: "1") == .string("Accepted"))
        harness.handle(.linkDown(reason: "closed for the new profile"))
        harness.handle(.linkConnecting)
        #expect(F.savedConfiguration(harness.persisted, "SecurityProfile").isEmpty)
        #expect(!F.eventTypes(harness.persisted).contains(.reconfigurationOfSecurityParameters))
        harness.handle(.linkUp)
        #expect(F.savedConfiguration(harness.persisted, "SecurityProfile") == ["1"])
        #expect(F.eventTypes(harness.persisted).last == .reconfigurationOfSecurityParameters)
        #expect(F.events(harness.persisted).last?.techInfo == "SecurityProfile 0 → 1")
        harness.acknowledgeAll()
        #expect(harness.calls("SecurityEventNotification").last?["type"] == .string("ReconfigurationOfSecurityParameters"))
    }

    @Test func theOldLinkClosingDuringTheSwitchIsNotAFailedAttempt() {
        var harness = Harness(security: SecuritySettings(authorizationKey: F.key))
        harness.bootAccepted()
        _ = change(&harness, "c1", profile: "1")
        let before = F.configureLinks(harness.effects).count
        harness.handle(.linkDown(reason: "closed for the new profile"))
        #expect(harness.engine.configuration.integer(.securityProfile) == 1)
        #expect(F.configureLinks(harness.effects).count == before)
        harness.handle(.linkConnecting)
        harness.handle(.linkUp)
        #expect(F.savedConfiguration(harness.persisted, "SecurityProfile") == ["1"])
    }

    @Test func aFailedFirstAttemptFallsBackToTheOldProfileAndItsCredentials() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness(
            persisted: PersistedState(configuration: ["SecurityProfile": "1"]),
            security: SecuritySettings(authorizationKey: F.key, trustedCertificatesPEM: pki.csmsRootPEM))
        harness.bootAccepted()
        #expect(change(&harness, "c1", profile: "2") == .string("Accepted"))
        harness.handle(.linkDown(reason: "closed for the new profile"))
        harness.handle(.linkConnecting)
        let produced = harness.handle(.linkDown(reason: "TLS handshake failed"))
        #expect(harness.engine.configuration.integer(.securityProfile) == 1)
        #expect(F.configureLinks(produced).map(\.0) == [
            LinkSecurity(profile: 1, basicAuthPassword: F.keyBytes, trustedCertificatesPEM: pki.csmsRootPEM,
                         clientCertificateChainPEM: nil, clientKeyPEM: nil),
        ])
        #expect(F.configureLinks(produced).map(\.1) == [true])
        #expect(F.savedConfiguration(harness.persisted, "SecurityProfile").isEmpty)
        // The next failure is an ordinary one: no further fallback.
        harness.handle(.linkConnecting)
        let again = harness.handle(.linkDown(reason: "refused"))
        #expect(F.configureLinks(again).isEmpty)
        #expect(harness.engine.configuration.integer(.securityProfile) == 1)
    }

    @Test func theMinimumProfileFromTheSettingsRaisesTheStoredOneAtStart() {
        let harness = Harness(security: SecuritySettings(minimumProfile: 1, authorizationKey: F.key))
        #expect(harness.engine.configuration.integer(.securityProfile) == 1)
        #expect(F.savedConfiguration(harness.persisted, "SecurityProfile") == ["1"])
        let higher = Harness(
            persisted: PersistedState(configuration: ["SecurityProfile": "2"]),
            security: SecuritySettings(minimumProfile: 1, authorizationKey: F.key))
        #expect(higher.engine.configuration.integer(.securityProfile) == 2)
        #expect(F.savedConfiguration(higher.persisted, "SecurityProfile").isEmpty)
    }

    @Test func aSecondRaiseBeforeTheSwitchStillFallsBackToTheProfileThatLastConnected() throws {
        let pki = try SecurityPKI.get()
        var harness = Harness(security: SecuritySettings(authorizationKey: F.key, trustedCertificatesPEM: pki.csmsRootPEM))
        harness.bootAccepted()
        let first = change(&harness, "c1", profile: "1")
        let second = change(&harness, "c2", profile: "2")
        #expect(first == .string("Accepted"))
        harness.handle(.linkDown(reason: "closed for the new profile"))
        harness.handle(.linkConnecting)
        harness.handle(.linkDown(reason: "TLS handshake failed"))
        // Whether the second raise is refused or tried, profile 1 never connected: the fallback is to 0.
        _ = second
        #expect(harness.engine.configuration.integer(.securityProfile) == 0)
        #expect(F.savedConfiguration(harness.persisted, "SecurityProfile").isEmpty)
    }
}
