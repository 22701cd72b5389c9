import EngineSupport
import OCPP16
import Testing

@testable import ChargePoint

@Suite struct ConfigurationTests {
    private func keys(in result: JSONValue?) -> [String] {
        guard case .array(let entries)? = result?["configurationKey"] else { return [] }
        return entries.compactMap { $0["key"]?.stringValue }
    }

    @Test func emptyKeyListReturnsEveryKey() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("g1", "GetConfiguration", "{}")
        harness.csmsCall("g2", "GetConfiguration", #"{"key":[]}"#)
        let all = ConfigurationKey.allCases.map(\.rawValue)
        #expect(keys(in: harness.result(answering: "g1")) == all)
        #expect(keys(in: harness.result(answering: "g2")) == all)
        #expect(harness.result(answering: "g1")?["unknownKey"] == nil)
    }

    @Test func unknownKeysAreListedAndKnownOnesMatchCaseInsensitively() throws {
        var harness = Harness(connectors: 3)
        harness.bootAccepted()
        harness.csmsCall("g1", "GetConfiguration", #"{"key":["numberofconnectors","Bogus"]}"#)
        let result = try #require(harness.result(answering: "g1"))
        #expect(result["unknownKey"] == .array([.string("Bogus")]))
        #expect(result["configurationKey"] == .array([
            .object(["key": .string("NumberOfConnectors"), "readonly": .bool(true), "value": .string("3")])
        ]))
    }

    @Test func changeConfigurationValidatesAndPersists() {
        var harness = Harness()
        harness.bootAccepted()
        let cases: [(String, String, String)] = [
            ("MeterValueSampleInterval", "15", "Accepted"),
            ("MeterValueSampleInterval", "abc", "Rejected"),
            ("MeterValueSampleInterval", "-1", "Rejected"),
            ("NumberOfConnectors", "4", "Rejected"),
            ("NoSuchKey", "1", "NotSupported"),
            ("StopTransactionOnInvalidId", "FALSE", "Accepted"),
            ("StopTransactionOnInvalidId", "yes", "Rejected"),
            ("MeterValuesSampledData", "Energy.Active.Import.Register,Voltage", "Accepted"),
            ("MeterValuesSampledData", "Energy.Active.Import.Register,SoC", "Rejected"),
            ("StopTxnSampledData", "", "Accepted"),
            ("WebSocketPingInterval", "-5", "Rejected"),
        ]
        for (index, (key, value, expected)) in cases.enumerated() {
            harness.csmsCall("c\(index)", "ChangeConfiguration", #"{"key":"\#(key)","value":"\#(value)"}"#)
            #expect(harness.result(answering: "c\(index)")?["status"] == .string(expected), "\(key)=\(value)")
        }
        #expect(harness.engine.configuration.integer(.meterValueSampleInterval) == 15)
        #expect(harness.engine.configuration.bool(.stopTransactionOnInvalidId) == false)
        #expect(harness.engine.configuration.measurands(.meterValuesSampledData) == [.energyActiveImportRegister, .voltage])
        #expect(harness.persisted.contains(.saveConfiguration(key: "MeterValueSampleInterval", value: "15")))
        #expect(harness.persisted.contains(.saveConfiguration(key: "StopTransactionOnInvalidId", value: "false")))
    }

    @Test func pingIntervalChangeReachesTheTransport() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("c1", "ChangeConfiguration", #"{"key":"WebSocketPingInterval","value":"7"}"#)
        #expect(harness.effects.contains(.setPingInterval(seconds: 7)))
    }

    @Test func persistedValuesAreRestoredAndOverridesWin() {
        let persisted = PersistedState(configuration: ["HeartbeatInterval": "77", "MeterValueSampleInterval": "5"])
        let harness = Harness(persisted: persisted, overrides: [("MeterValueSampleInterval", "9")])
        #expect(harness.engine.configuration.integer(.heartbeatInterval) == 77)
        #expect(harness.engine.configuration.integer(.meterValueSampleInterval) == 9)
        #expect(harness.persisted.contains(.saveConfiguration(key: "MeterValueSampleInterval", value: "9")))
    }

    @Test func badOverrideRefusesToStart() {
        let settings = StationSettings(
            identity: "CP1", connectorCount: 1,
            bootNotification: BootNotificationRequest(chargePointVendor: "V", chargePointModel: "M"),
            configurationOverrides: [("HeartbeatInterval", "soon")])
        #expect(throws: ConfigurationRefusal.self) {
            _ = try ChargePointEngine(
                settings: settings, restoring: PersistedState(),
                now: Now(uptime: .zero, wallClock: Timestamp(millisecondsSince1970: 0)), messageIdPrefix: "m",
                logger: .init(label: "test"))
        }
    }
}
