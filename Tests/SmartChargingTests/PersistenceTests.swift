import OCPP16
import SmartCharging
import Testing

@Suite("Persistence")
struct PersistenceTests {
    @Test func roundTripsThroughJSONWriterAndStrictJSON() throws {
        let profiles = installing([
            (0, profile(id: 1, purpose: .chargePointMaxProfile, unit: .watts, periods: [period(0, 11_000.5)])),
            (0, profile(id: 2, kind: .recurring, recurrency: .weekly,
                        validFrom: Timestamp(millisecondsSince1970: t0.millisecondsSince1970 + 123),
                        validTo: time("2024-12-31T23:59:59Z"), duration: 86_400,
                        periods: [period(0, 16, phases: 1), period(3600, 6.5)])),
            (1, profile(id: 3, stackLevel: 2, purpose: .txProfile, kind: .relative, periods: [period(0, 10)])),
        ])
        let bytes = JSONWriter.encode(profiles)
        let decoded = try StrictJSON.decode(ChargingProfiles.self, from: try JSONValue.parse(bytes))
        #expect(decoded == profiles)
        #expect(decoded.installed.count == 3)
    }

    @Test func decodesTheDocumentedShape() throws {
        let text = """
            {"installed":[{"connectorId":1,"profile":{"chargingProfileId":9,"transactionId":42,"stackLevel":1,\
            "chargingProfilePurpose":"TxProfile","chargingProfileKind":"Relative",\
            "chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":10}]}}}]}
            """
        let decoded = try StrictJSON.decode(ChargingProfiles.self, from: try JSONValue.parse(text))
        var expected = profile(id: 9, stackLevel: 1, purpose: .txProfile, kind: .relative, periods: [period(0, 10)])
        expected.transactionId = 42
        #expect(decoded.installed == [InstalledProfile(connectorId: 1, profile: expected)])
        #expect(try JSONValue.parse(JSONWriter.encode(decoded)) == JSONValue.parse(text))
    }
}
