import EngineSupport
import OCPP201
import Testing

@testable import Station201

/// Functional block B's network connection profiles ([B09], [B10]) with a fake clock: SetNetworkProfile,
/// NetworkConfigurationPriority, the profile a boot uses and the fallback after failed attempts.
@Suite struct NetworkProfileTests {
    static func profile(_ url: String, securityProfile: Int = 0, transport: String = "JSON", version: String = "OCPP20") -> String {
        #"{"ocppVersion":"\#(version)","ocppTransport":"\#(transport)","ocppCsmsUrl":"\#(url)","messageTimeout":45,"securityProfile":\#(securityProfile),"ocppInterface":"Wired0"}"#
    }

    static func setNetworkProfile(_ harness: inout Harness, slot: Int, _ profile: String) -> JSONValue? {
        let id = harness.call("SetNetworkProfile", #"{"configurationSlot":\#(slot),"connectionData":\#(profile)}"#)
        return harness.result(answering: id)
    }

    static func setVariable(_ harness: inout Harness, _ name: String, _ value: String) -> String? {
        let id = harness.call("SetVariables", #"{"setVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"\#(name)"},"attributeValue":"\#(value)"}]}"#)
        return harness.result(answering: id)?["setVariableResult"]?[0]?["attributeStatus"]?.string
    }

    @Test func TC_B_43_CS_aProfileIsCheckedAndStoredBeforeTheAnswer() {
        var harness = TransactionTests.registered()
        let accepted = Self.setNetworkProfile(&harness, slot: 2, Self.profile("ws://backup.example:9000/ocpp"))
        #expect(accepted == .object(["status": .string("Accepted")]))
        guard case .networkProfile(slot: 2, let stored)? = harness.persisted.last else {
            Issue.record("the profile was not persisted: \(String(describing: harness.persisted.last))")
            return
        }
        #expect(stored.ocppCsmsUrl == "ws://backup.example:9000/ocpp")
        #expect(Self.setNetworkProfile(&harness, slot: 4, Self.profile("ws://x"))?["statusInfo"]?["reasonCode"]?.string
            == "InvalidConfSlot")
        for refused in [
            Self.profile("ws://x.example", securityProfile: 2), Self.profile("ws://x.example", transport: "SOAP"),
            Self.profile("ws://x.example", version: "OCPP16"), Self.profile("http://x.example"),
        ] {
            let answer = Self.setNetworkProfile(&harness, slot: 3, refused)
            #expect(answer?["status"]?.string == "Rejected")
            #expect(answer?["statusInfo"]?["reasonCode"]?.string == "InvalidNetworkConf")
        }
    }

    @Test func TC_B_45_CS_thePriorityListsOnlySlotsThatHoldAProfileAndAppliesAfterAReboot() {
        var harness = TransactionTests.registered()
        #expect(Self.setVariable(&harness, "NetworkConfigurationPriority", "2,1") == "Rejected")
        _ = Self.setNetworkProfile(&harness, slot: 2, Self.profile("ws://backup.example:9000"))
        #expect(Self.setVariable(&harness, "NetworkConfigurationPriority", "2,1") == "RebootRequired")
        #expect(harness.engine.csmsURL == "ws://localhost:9000", "used only after a reboot")

        var rebooted = Harness(evses: 1, persisted: PersistedState.replaying(harness.persisted))
        #expect(rebooted.engine.csmsURL == "ws://backup.example:9000")
        rebooted.boot()
        rebooted.answerAllAccepting()
        let read = rebooted.call("GetVariables", #"{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"ActiveNetworkProfile"}},{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"MessageTimeout","instance":"Default"}}]}"#)
        let values = rebooted.result(answering: read)?["getVariableResult"]
        #expect(values?[0]?["attributeValue"]?.string == "2")
        #expect(values?[1]?["attributeValue"]?.string == "45")
    }

    @Test func TC_B_46_CS_afterTheAttemptsOfOneProfileTheNextIsTriedAndTheStationBootsAgain() {
        var harness = TransactionTests.registered(overrides: [("OCPPCommCtrlr.NetworkProfileConnectionAttempts", "2")])
        _ = Self.setNetworkProfile(&harness, slot: 2, Self.profile("ws://backup.example:9000"))
        _ = Self.setVariable(&harness, "NetworkConfigurationPriority", "2,1")
        var rebooted = Harness(evses: 1, persisted: PersistedState.replaying(harness.persisted))
        rebooted.boot()
        rebooted.answerAllAccepting()
        // Connected once, then the link drops: no failed attempt yet.
        rebooted.handle(.linkDown(reason: "gone"))
        for _ in 0..<2 {
            rebooted.handle(.linkConnecting)
            rebooted.handle(.linkDown(reason: "refused"))
        }
        #expect(rebooted.effects.contains(.useCSMS("ws://localhost:9000", LinkSecurity(profile: 0))))
        #expect(rebooted.engine.csmsURL == "ws://localhost:9000")
        let boots = rebooted.calls("BootNotification").count
        rebooted.handle(.linkConnecting)
        rebooted.handle(.linkUp)
        #expect(rebooted.calls("BootNotification").count == boots + 1, "a new CSMS hears a BootNotification")
    }
}
