import EngineSupport
import OCPP201
import Testing

@testable import Station201

/// Functional block A's security profiles and Basic-auth password ([A00], [A01]) with a fake clock: the
/// credentials the link uses, a password change, the profiles SetNetworkProfile accepts and the events a
/// refused connection raises.
@Suite struct SecurityTests {
    static let password = "0123456789abcdefXYZ"

    static func registered(_ security: SecurityCredentials) -> Harness {
        var harness = Harness(evses: 1, security: security)
        harness.boot()
        harness.answerAllAccepting()
        return harness
    }

    static func setPassword(_ harness: inout Harness, _ value: String) -> JSONValue? {
        let id = harness.call("SetVariables", #"{"setVariableData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"BasicAuthPassword"},"attributeValue":"\#(value)"}]}"#)
        return harness.result(answering: id)?["setVariableResult"]?[0]
    }

    static func read(_ harness: inout Harness, _ name: String) -> JSONValue? {
        let id = harness.call("GetVariables", #"{"getVariableData":[{"component":{"name":"SecurityCtrlr"},"variable":{"name":"\#(name)"}}]}"#)
        return harness.result(answering: id)?["getVariableResult"]?[0]
    }

    @Test func profile1SendsTheInstallersPasswordAsUTF8TextAndProfile0SendsNone() {
        let basic = Harness(evses: 1, security: SecurityCredentials(profile: 1, basicAuthPassword: Self.password))
        #expect(basic.engine.linkSecurity == LinkSecurity(profile: 1, basicAuthPassword: Array(Self.password.utf8)))
        #expect(basic.engine.linkSecurityProblem == nil)
        let plain = Harness(evses: 1, security: SecurityCredentials(profile: 0, basicAuthPassword: Self.password))
        #expect(plain.engine.linkSecurity == LinkSecurity(profile: 0))
    }

    @Test func aProfileWithoutWhatItNeedsIsAProblemBeforeAnyConnection() {
        let short = Harness(evses: 1, security: SecurityCredentials(profile: 2, basicAuthPassword: "short"))
        #expect(short.engine.linkSecurityProblem?.contains("BasicAuthPassword") == true)
        let noCertificate = Harness(evses: 1, security: SecurityCredentials(profile: 3))
        #expect(noCertificate.engine.linkSecurityProblem?.contains("client certificate") == true)
        let mutual = Harness(
            evses: 1,
            security: SecurityCredentials(profile: 3, trustedCertificatesPEM: "CA", clientCertificateChainPEM: "CERT", clientKeyPEM: "KEY"))
        #expect(mutual.engine.linkSecurity == LinkSecurity(
            profile: 3, trustedCertificatesPEM: "CA", clientCertificateChainPEM: "CERT", clientKeyPEM: "KEY"))
    }

    @Test func theSecurityProfileIsTheActiveNetworkProfilesAndThePasswordIsNeverReadBack() {
        var harness = Self.registered(SecurityCredentials(profile: 1, basicAuthPassword: Self.password))
        #expect(Self.read(&harness, "SecurityProfile")?["attributeValue"]?.string == "1")
        let password = Self.read(&harness, "BasicAuthPassword")
        #expect(password?["attributeStatus"]?.string == "Rejected")
        #expect(password?["attributeValue"] == nil)
    }

    @Test func TC_A_09_CS_aNewPasswordIsStoredAnsweredAndThenUsedForANewConnection() {
        var harness = Self.registered(SecurityCredentials(profile: 1, basicAuthPassword: Self.password))
        let newPassword = "the-new-password-1234"
        let before = harness.effects.count
        #expect(Self.setPassword(&harness, newPassword)?["attributeStatus"]?.string == "Accepted")
        let produced = Array(harness.effects[before...])
        let stored = produced.firstIndex {
            if case .persist(let changes) = $0 {
                changes.contains(.variable(StandardVariables.basicAuthPassword(nil).address, newPassword))
            } else { false }
        }
        let answered = produced.firstIndex { if case .send(let text) = $0 { text.hasPrefix("[3,") } else { false } }
        let reconnect = produced.firstIndex(of: .useCSMS(
            "ws://localhost:9000", LinkSecurity(profile: 1, basicAuthPassword: Array(newPassword.utf8))))
        #expect(stored != nil && answered != nil && reconnect != nil)
        if let stored, let answered, let reconnect {
            #expect(stored < answered && answered < reconnect, "stored, then answered, then used")
        }
        // The change is in the security log and told to the CSMS, without the value.
        let event = harness.calls("SecurityEventNotification").last
        #expect(event?["type"]?.string == "ReconfigurationOfSecurityParameters")
        let sentTexts = harness.effects.compactMap { if case .send(let text) = $0 { text } else { nil } }
        #expect(!sentTexts.contains { $0.contains(newPassword) })

        // It survives a reboot.
        let rebooted = Harness(
            evses: 1, persisted: PersistedState.replaying(harness.persisted),
            security: SecurityCredentials(profile: 1, basicAuthPassword: Self.password))
        #expect(rebooted.engine.linkSecurity.basicAuthPassword == Array(newPassword.utf8))
    }

    @Test func TC_A_10_CS_aPasswordOfTheWrongLengthIsRejectedAndTheOldOneStays() {
        var harness = Self.registered(SecurityCredentials(profile: 1, basicAuthPassword: Self.password))
        for refused in ["too-short", String(repeating: "x", count: 41)] {
            #expect(Self.setPassword(&harness, refused)?["attributeStatus"]?.string == "Rejected")
        }
        #expect(harness.engine.linkSecurity.basicAuthPassword == Array(Self.password.utf8))
        #expect(!harness.effects.contains { if case .useCSMS = $0 { true } else { false } })
    }

    @Test func setNetworkProfileRefusesALowerProfileAndASchemeOrCredentialTheProfileCannotUse() {
        var harness = Self.registered(SecurityCredentials(profile: 2, basicAuthPassword: Self.password))
        func answer(_ url: String, _ securityProfile: Int) -> (String?, String?) {
            let answer = NetworkProfileTests.setNetworkProfile(
                &harness, slot: 2, NetworkProfileTests.profile(url, securityProfile: securityProfile))
            return (answer?["status"]?.string, answer?["statusInfo"]?["reasonCode"]?.string)
        }
        #expect(answer("ws://x.example/ocpp", 1) == ("Rejected", "NoSecurityDowngrade"))
        #expect(answer("ws://x.example/ocpp", 2) == ("Rejected", "InvalidNetworkConf"))
        #expect(answer("wss://x.example/ocpp", 3) == ("Rejected", "InvalidNetworkConf"), "no client certificate")
        #expect(answer("wss://x.example/ocpp", 2) == ("Accepted", nil))
    }

    static func events(_ harness: Harness, _ type: String) -> [SentCall] {
        harness.calls("SecurityEventNotification").filter { $0["type"]?.string == type }
    }

    @Test func aConnectionRefusedForItsCredentialsIsToldToTheCSMSOnceAndWhenTheLinkIsBack() {
        var harness = Self.registered(SecurityCredentials(profile: 1, basicAuthPassword: Self.password))
        let before = harness.calls("SecurityEventNotification").count
        harness.handle(.linkDown(reason: "gone"))
        for _ in 0..<3 {
            harness.handle(.linkConnecting)
            harness.handle(.securityFailure(.failedToAuthenticateAtCsms, detail: "HTTP 401"))
            harness.handle(.linkDown(reason: "refused"))
        }
        #expect(harness.calls("SecurityEventNotification").count == before, "nothing can be sent while the link is down")
        harness.handle(.linkConnecting)
        harness.handle(.linkUp)
        harness.answerAllAccepting()
        let events = Self.events(harness, "FailedToAuthenticateAtCsms")
        #expect(events.count == 1)
        #expect(events.first?["techInfo"]?.string == "HTTP 401")
    }

    @Test func A04_theBootIsASecurityEventSentAfterTheStatusNotificationsAndNotWhilePending() {
        var harness = Harness(evses: 1)
        harness.boot("Pending", interval: 20)
        #expect(harness.calls("SecurityEventNotification").isEmpty, "nothing but BootNotification while Pending")
        harness.advance(by: .seconds(20))
        harness.answerOutstanding(#"{"currentTime":"2027-01-15T08:00:20.000Z","interval":300,"status":"Accepted"}"#)
        #expect(harness.outstanding?.action == "StatusNotification")
        harness.answerAll()
        let startup = Self.events(harness, "StartupOfTheDevice")
        #expect(startup.count == 1)
        #expect(startup.first?["timestamp"]?.string == "2027-01-15T08:00:00.000Z", "when it happened")
    }

    @Test func anUnacknowledgedEventIsSentAgainAfterARestartAndAResetIsAResetOrReboot() {
        var harness = Self.registered(SecurityCredentials())
        harness.handle(.linkDown(reason: "gone"))
        harness.handle(.securityFailure(.invalidCsmsCertificate, detail: "unknown CA"))
        // Killed before the link came back: the event is in the store, not yet with the CSMS.
        var rebooted = Harness(evses: 1, persisted: PersistedState.replaying(harness.persisted))
        rebooted.boot()
        rebooted.answerAllAccepting()
        #expect(Self.events(rebooted, "InvalidCsmsCertificate").map { $0["techInfo"]?.string } == ["unknown CA"])
        #expect(Self.events(rebooted, "StartupOfTheDevice").count == 1, "only the new boot's: the first was acknowledged")
        #expect(rebooted.engine.securityLog.allSatisfy { $0.delivered })

        let reset = rebooted.call("Reset", #"{"type":"Immediate"}"#)
        #expect(rebooted.result(answering: reset)?["status"]?.string == "Accepted")
        var afterReset = Harness(evses: 1, persisted: PersistedState.replaying(harness.persisted + rebooted.persisted))
        afterReset.boot()
        afterReset.answerAllAccepting()
        #expect(Self.events(afterReset, "ResetOrReboot").count == 1)
        #expect(Self.events(afterReset, "InvalidCsmsCertificate").isEmpty)
    }

    @Test func aCALLERRORAnswerEndsTheEventsDeliveryAndATimeoutSendsItAgain() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.answerOutstanding(#"{"currentTime":"2027-01-15T08:00:00.000Z","interval":300,"status":"Accepted"}"#)
        while harness.outstanding?.action == "StatusNotification" { harness.answerOutstanding() }
        #expect(harness.outstanding?.action == "SecurityEventNotification")
        #expect(harness.engine.securityLog.last?.delivered == false)
        harness.advance(by: .seconds(harness.engine.messageTimeoutSeconds))
        #expect(Self.events(harness, "StartupOfTheDevice").count == 2, "sent again after its timeout")
        guard let call = harness.outstanding else {
            Issue.record("the event was not sent again")
            return
        }
        harness.handle(.received(#"[4,"\#(call.messageId)","InternalError","cannot take it",{}]"#))
        #expect(harness.engine.securityLog.last?.delivered == true)
        #expect(harness.outstanding == nil, "a refused event is not sent again")
    }

    @Test func TC_A_19_CS_aRaisedProfileIsUsedAfterTheResetAndOnceConnectedTheLowerOnesGo() {
        let credentials = SecurityCredentials(profile: 1, basicAuthPassword: Self.password)
        var harness = Self.registered(credentials)
        let stored = NetworkProfileTests.setNetworkProfile(
            &harness, slot: 2, NetworkProfileTests.profile("wss://secure.example/ocpp", securityProfile: 2))
        #expect(stored?["status"]?.string == "Accepted")
        #expect(NetworkProfileTests.setVariable(&harness, "NetworkConfigurationPriority", "2,1") == "RebootRequired")

        var rebooted = Harness(evses: 1, persisted: PersistedState.replaying(harness.persisted), security: credentials)
        #expect(rebooted.engine.csmsURL == "wss://secure.example/ocpp")
        #expect(rebooted.engine.linkSecurity == LinkSecurity(profile: 2, basicAuthPassword: Array(Self.password.utf8)))
        rebooted.boot()
        rebooted.answerAllAccepting()
        #expect(Self.read(&rebooted, "SecurityProfile")?["attributeValue"]?.string == "2")
        let read = rebooted.call(
            "GetVariables", #"{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"NetworkConfigurationPriority"}}]}"#)
        #expect(rebooted.result(answering: read)?["getVariableResult"]?[0]?["attributeValue"]?.string == "2")
        #expect(NetworkProfileTests.setVariable(&rebooted, "NetworkConfigurationPriority", "2,1") == "Rejected")
        #expect(Self.events(rebooted, "ReconfigurationOfSecurityParameters").count == 1)

        // A later start keeps to profile 2: no fallback to the command line's profile 1.
        var again = Harness(
            evses: 1, persisted: PersistedState.replaying(harness.persisted + rebooted.persisted), security: credentials)
        #expect(again.engine.linkSecurity.profile == 2)
        again.handle(.linkConnecting)
        for _ in 0..<10 {
            again.handle(.linkConnecting)
            again.handle(.linkDown(reason: "refused"))
        }
        #expect(!again.effects.contains { if case .useCSMS(_, let security) = $0 { security.profile < 2 } else { false } })
    }

    @Test func aRaisedProfileThatNeverConnectsFallsBackToTheOldOne() {
        let credentials = SecurityCredentials(profile: 1, basicAuthPassword: Self.password)
        var harness = Self.registered(credentials)
        _ = NetworkProfileTests.setNetworkProfile(
            &harness, slot: 2, NetworkProfileTests.profile("wss://secure.example/ocpp", securityProfile: 2))
        _ = NetworkProfileTests.setVariable(&harness, "NetworkConfigurationPriority", "2,1")
        var rebooted = Harness(evses: 1, persisted: PersistedState.replaying(harness.persisted), security: credentials)
        for _ in 0..<3 {
            rebooted.handle(.linkConnecting)
            rebooted.handle(.linkDown(reason: "refused"))
        }
        #expect(rebooted.effects.contains(.useCSMS(
            "ws://localhost:9000", LinkSecurity(profile: 1, basicAuthPassword: Array(Self.password.utf8)))))
    }
}
