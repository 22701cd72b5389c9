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
            descriptors: StandardVariables.catalogue(evseCount: 2, maximumPowerW: 22_000, localListCapacity: 100))
        for descriptor in model.descriptors {
            let key = descriptor.address.configurationKey
            #expect(VariableAddress(configurationKey: key).flatMap(model.descriptor(at:)) == descriptor, "\(key)")
        }
    }
}
