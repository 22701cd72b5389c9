import EVSimulation
import Foundation
import Testing
import EngineSupport

@Suite("EV profile and session settings")
struct EVProfileTests {
    @Test func anEmptyFileGivesTheDefaults() throws {
        let empty = Data("{}".utf8)
        #expect(try JSONDecoder().decode(EVProfile.self, from: empty) == EVProfile())
        let settings = try JSONDecoder().decode(SessionSettings.self, from: empty)
        #expect(settings == SessionSettings())
        #expect(settings.idTags.first == "EV-0001" && settings.idTags.last == "EV-0010")
        #expect(settings.meanIntervalSeconds == 600 && settings.durationMinutes == 30...90)
    }

    @Test func aFileRoundTrips() throws {
        var profile = EVProfile()
        profile.dcMaxPowerKW = 150
        profile.stayMinutes = 20...40
        let data = try JSONEncoder().encode(profile)
        #expect(try JSONDecoder().decode(EVProfile.self, from: data) == profile)
    }

    @Test(arguments: [
        (#"{"capacityKWh": [0, 10]}"#, "capacityKWh"),
        (#"{"arrivalSoCPercent": [50, 120]}"#, "arrivalSoCPercent"),
        (#"{"kneeSoCPercent": 100}"#, "kneeSoCPercent"),
        (#"{"taperFloorPercent": 0}"#, "taperFloorPercent"),
        (#"{"dcMaxPowerKW": -50}"#, "dcMaxPowerKW"),
    ])
    func aBadProfileFailsToLoadWithItsFieldNamed(json: String, field: String) {
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(EVProfile.self, from: Data(json.utf8))
        }
        guard case .dataCorrupted(let context) = error else {
            Issue.record("expected dataCorrupted, got \(String(describing: error))")
            return
        }
        #expect(context.debugDescription.hasPrefix(field + ":"))
    }

    @Test func phasesAreOneOrThree() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(EVProfile.self, from: Data(#"{"phases": 2}"#.utf8))
        }
    }

    @Test func badSessionSettingsAreRefusedByField() {
        var settings = SessionSettings()
        settings.idTagWeights = ["EV-9999": 2]
        #expect((#expect(throws: EVSettingsError.self) { try settings.validate() })?.field == "idTagWeights")
        settings = SessionSettings()
        settings.idTags = ["A", "A"]
        #expect((#expect(throws: EVSettingsError.self) { try settings.validate() })?.field == "idTags")
        settings = SessionSettings()
        settings.idTags = ["A", "B"]
        settings.idTagWeights = ["A": 0, "B": 0]
        #expect((#expect(throws: EVSettingsError.self) { try settings.validate() })?.field == "idTagWeights")
        settings = SessionSettings()
        settings.meanIntervalSeconds = 0
        #expect((#expect(throws: EVSettingsError.self) { try settings.validate() })?.field == "meanIntervalSeconds")
    }

    @Test func vehiclesAreDrawnFromTheRanges() {
        var profile = EVProfile()
        profile.stayMinutes = 30...60
        var random = SplitMix64(seed: 5)
        for _ in 0..<1_000 {
            let vehicle = profile.makeVehicle(using: &random, arrivingAt: .seconds(100))
            #expect((40_000...80_000).contains(vehicle.capacityWh))
            #expect((10...50).contains(vehicle.socPercent) && vehicle.targetSoCPercent == 90)
            #expect(vehicle.supply == .ac(.three) && vehicle.maxPowerW == 11_000)
            #expect(vehicle.departure.map { (Duration.seconds(1_900)...Duration.seconds(3_700)).contains($0) } == true)
            #expect(vehicle.sessionEnergyWh == 0)
        }
    }

    @Test func aDCProfileMakesDCVehiclesThatLeaveWhenFull() {
        var profile = EVProfile()
        profile.dcMaxPowerKW = 150
        var random = SplitMix64(seed: 5)
        let vehicle = profile.makeVehicle(using: &random, arrivingAt: .zero)
        #expect(vehicle.supply == .dc && vehicle.maxPowerW == 150_000 && vehicle.departure == nil)
    }
}
