import EngineSupport
import Logging
import OCPP201
import Testing

@testable import Station201

/// The REST API's name of a variable (`VariableAddress.configurationKey`): every form reads back to the
/// address it was written from, and anything else is refused rather than guessed at.
@Suite struct ConfigurationKeyTests {
    @Test(arguments: [
        ("OCPPCommCtrlr.HeartbeatInterval", VariableAddress(ComponentAddress("OCPPCommCtrlr"), "HeartbeatInterval")),
        ("DeviceDataCtrlr.ItemsPerMessage[GetVariables]",
         VariableAddress(ComponentAddress("DeviceDataCtrlr"), "ItemsPerMessage", instance: "GetVariables")),
        ("EVSE@2.AvailabilityState", VariableAddress(ComponentAddress("EVSE", evseId: 2), "AvailabilityState")),
        ("Connector@1:1.ConnectorType",
         VariableAddress(ComponentAddress("Connector", evseId: 1, connectorId: 1), "ConnectorType")),
        ("Meter[grid]@0.Energy[L1.N]",
         VariableAddress(ComponentAddress("Meter", instance: "grid", evseId: 0), "Energy", instance: "L1.N")),
    ])
    func readsBackTheAddressItWasWrittenFrom(key: String, address: VariableAddress) {
        #expect(VariableAddress(configurationKey: key) == address)
        #expect(address.configurationKey == key)
    }

    @Test(arguments: [
        "HeartbeatInterval", "OCPPCommCtrlr.", ".HeartbeatInterval", "EVSE@x.AvailabilityState",
        "Connector@1:y.ConnectorType", "Connector@1:1:1.ConnectorType", "Ctrlr[].Variable", "Ctrlr.Variable[",
        "Ctrlr.Variable[a]b", "Ctrlr]x.Variable",
    ])
    func refusesWhatIsNotAKey(key: String) {
        #expect(VariableAddress(configurationKey: key) == nil)
    }

    @Test func everyVariableOfTheCatalogueHasAKeyThatFindsIt() {
        let model = DeviceModel(
            descriptors: StandardVariables.catalogue(identity: "CS1", evseCount: 2, maximumPowerW: 22_000, localListCapacity: 100, displayMessageCapacity: 20))
        for descriptor in model.descriptors {
            let key = descriptor.address.configurationKey
            #expect(VariableAddress(configurationKey: key).flatMap(model.descriptor(at:)) == descriptor, "\(key)")
        }
    }
}

/// `--ocpp-config KEY=VALUE` under 2.0.1: the device model's variables, by key, set at every start.
@Suite struct VariableOverrideTests {
    @Test func anOverrideWinsOverTheStoredValueAndIsStored() {
        var harness = Harness(
            evses: 1, persisted: PersistedState(variables: [StandardVariables.offlineThreshold.address: "10"]),
            overrides: [("OCPPCommCtrlr.OfflineThreshold", "99"), ("ocppcommctrlr.webSocketPingInterval", "0")])
        #expect(harness.engine.deviceModel.integer(StandardVariables.offlineThreshold) == 99)
        #expect(harness.engine.deviceModel.integer(StandardVariables.webSocketPingInterval) == 0)
        harness.handle(.linkUp)
        #expect(harness.persisted.contains(.variable(StandardVariables.offlineThreshold.address, "99")))
        #expect(!harness.effects.contains { if case .setPingInterval = $0 { true } else { false } },
                "the host starts the link with the value itself")
    }

    @Test(arguments: [
        ("HeartbeatInterval", "10", "not a variable's key"),
        ("OCPPCommCtrlr.WarpFactor", "10", "not a variable of this station"),
        ("OCPPCommCtrlr.MessageTimeout[Default]", "10", "the variable is read-only"),
        ("OCPPCommCtrlr.HeartbeatInterval", "often", "expected a whole number"),
    ])
    func aRefusedOverrideStopsTheStartSayingWhy(key: String, value: String, reason: String) {
        #expect {
            _ = try StationEngine(
                settings: StationSettings(
                    identity: "CS1", evseCount: 1, description: ChargingStation(model: "M", vendorName: "V"),
                    variableOverrides: [(key, value)]),
                restoring: PersistedState(), now: Now(uptime: .zero, wallClock: Timestamp(millisecondsSince1970: 0)),
                messageIdPrefix: "m", transactionIdSeed: 1, logger: Logger(label: "test"))
        } throws: { error in
            guard let refusal = error as? VariableOverrideRefusal else { return false }
            return refusal.key == key && refusal.description.contains(reason)
        }
    }
}
