import OCPP16
import SmartCharging
import Testing

@testable import ChargePoint

@Suite struct SmartChargingEngineTests {
    private func profile(id: Int, purpose: String, kind: String = "Relative", unit: String = "A", periods: [(Int, Double)], startSchedule: String? = nil) -> String {
        let list = periods.map { #"{"startPeriod":\#($0.0),"limit":\#($0.1)}"# }.joined(separator: ",")
        let start = startSchedule.map { #""startSchedule":"\#($0)","# } ?? ""
        return #"{"chargingProfileId":\#(id),"stackLevel":0,"chargingProfilePurpose":"\#(purpose)","chargingProfileKind":"\#(kind)","chargingSchedule":{\#(start)"chargingRateUnit":"\#(unit)","chargingSchedulePeriod":[\#(list)]}}"#
    }

    private func charging(_ connectors: [Int], in harness: inout Harness) {
        for id in connectors {
            _ = harness.command(.start(connector: id, idTag: IdToken("TAG\(id)")!))
            harness.acknowledgeAll()
        }
    }

    @Test func txDefaultProfileLimitsTheSimulatedPower() {
        var harness = Harness()
        harness.bootAccepted()
        charging([1], in: &harness)
        harness.csmsCall("s1", "SetChargingProfile", #"{"connectorId":0,"csChargingProfiles":\#(profile(id: 1, purpose: "TxDefaultProfile", periods: [(0, 6)]))}"#)
        #expect(harness.result(answering: "s1")?["status"] == .string("Accepted"))
        #expect(harness.engine.connectorSnapshot(0).powerW == 4140)
        #expect(harness.persisted.contains { if case .saveChargingProfiles = $0 { true } else { false } })
        harness.advance(by: .seconds(3600))
        #expect(abs(harness.engine.connectorSnapshot(0).energyWh - 4140) < 1)
    }

    @Test func zeroLimitSuspendsTheEVSE() {
        var harness = Harness()
        harness.bootAccepted()
        charging([1], in: &harness)
        harness.csmsCall("s1", "SetChargingProfile", #"{"connectorId":1,"csChargingProfiles":\#(profile(id: 1, purpose: "TxProfile", periods: [(0, 0)]))}"#)
        harness.acknowledgeAll()
        #expect(harness.status(of: 1) == .suspendedEVSE)
        #expect(harness.lastCall?["status"] == .string("SuspendedEVSE"))
        harness.csmsCall("c1", "ClearChargingProfile", #"{"id":1}"#)
        #expect(harness.result(answering: "c1")?["status"] == .string("Accepted"))
        #expect(harness.status(of: 1) == .charging)
        harness.csmsCall("c2", "ClearChargingProfile", #"{"id":1}"#)
        #expect(harness.result(answering: "c2")?["status"] == .string("Unknown"))
    }

    @Test func chargePointMaxProfileIsSharedByChargingConnectors() {
        var harness = Harness()
        harness.bootAccepted()
        charging([1, 2], in: &harness)
        harness.csmsCall("s1", "SetChargingProfile", #"{"connectorId":0,"csChargingProfiles":\#(profile(id: 9, purpose: "ChargePointMaxProfile", kind: "Absolute", unit: "W", periods: [(0, 10000)], startSchedule: "2027-01-15T00:00:00Z"))}"#)
        #expect(harness.result(answering: "s1")?["status"] == .string("Accepted"))
        #expect(harness.engine.connectorSnapshot(0).powerW == 5000)
        #expect(harness.engine.connectorSnapshot(1).powerW == 5000)
    }

    @Test func refusalsAndUnknownConnectors() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("s1", "SetChargingProfile", #"{"connectorId":1,"csChargingProfiles":\#(profile(id: 1, purpose: "TxProfile", periods: [(0, 10)]))}"#)
        #expect(harness.result(answering: "s1")?["status"] == .string("Rejected"))
        harness.csmsCall("s2", "SetChargingProfile", #"{"connectorId":7,"csChargingProfiles":\#(profile(id: 1, purpose: "TxDefaultProfile", periods: [(0, 10)]))}"#)
        #expect(harness.errorCode(answering: "s2") == "PropertyConstraintViolation")
        harness.csmsCall("g1", "GetCompositeSchedule", #"{"connectorId":7,"duration":60}"#)
        #expect(harness.result(answering: "g1")?["status"] == .string("Rejected"))
    }

    @Test func compositeScheduleStartsNowAndFollowsThePeriods() throws {
        var harness = Harness()
        harness.bootAccepted()
        charging([1], in: &harness)
        harness.csmsCall("s1", "SetChargingProfile", #"{"connectorId":1,"csChargingProfiles":\#(profile(id: 2, purpose: "TxProfile", periods: [(0, 10), (600, 8)]))}"#)
        harness.csmsCall("g1", "GetCompositeSchedule", #"{"connectorId":1,"duration":1200,"chargingRateUnit":"A"}"#)
        let result = try #require(harness.result(answering: "g1"))
        #expect(result["status"] == .string("Accepted"))
        #expect(result["connectorId"] == .integer(1))
        #expect(result["scheduleStart"] == .string(harness.now.wallClock.iso8601))
        let schedule = try #require(result["chargingSchedule"])
        #expect(schedule["startSchedule"] == nil)
        guard case .array(let periods)? = schedule["chargingSchedulePeriod"] else {
            Issue.record("no periods")
            return
        }
        #expect(periods.map { $0["startPeriod"] } == [.integer(0), .integer(600)])
        #expect(periods.map { $0["limit"] } == [.integer(10), .integer(8)], "\(periods)")
    }

    @Test func powerFollowsTheScheduleOverTime() {
        var harness = Harness()
        harness.bootAccepted()
        charging([1], in: &harness)
        harness.csmsCall("s1", "SetChargingProfile", #"{"connectorId":1,"csChargingProfiles":\#(profile(id: 2, purpose: "TxProfile", periods: [(0, 16), (600, 8)]))}"#)
        #expect(harness.engine.connectorSnapshot(0).powerW == 11000)
        harness.advance(by: .seconds(600))
        #expect(harness.engine.connectorSnapshot(0).powerW == 5520)
        // 600 s at 11 kW, then nothing else yet.
        #expect(abs(harness.engine.connectorSnapshot(0).energyWh - 1833.3) < 1)
    }

    @Test func remoteStartInstallsItsTxProfileUntilTheTransactionEnds() {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.plug(connector: 1))
        harness.acknowledgeAll()
        harness.csmsCall("r1", "RemoteStartTransaction", #"{"connectorId":1,"idTag":"TAG","chargingProfile":\#(profile(id: 5, purpose: "TxProfile", periods: [(0, 10)]))}"#)
        #expect(harness.result(answering: "r1")?["status"] == .string("Accepted"))
        harness.acknowledgeAll()
        #expect(harness.engine.chargingProfiles.installed.map(\.profile.chargingProfileId) == [5])
        #expect(harness.engine.connectorSnapshot(0).powerW == 6900)
        _ = harness.command(.stop(connector: 1, reason: .local))
        harness.acknowledgeAll()
        #expect(harness.engine.chargingProfiles.installed.isEmpty)
        harness.csmsCall("r2", "RemoteStartTransaction", #"{"connectorId":1,"idTag":"TAG","chargingProfile":\#(profile(id: 6, purpose: "TxDefaultProfile", periods: [(0, 10)]))}"#)
        #expect(harness.result(answering: "r2")?["status"] == .string("Rejected"))
    }

    @Test func profilesSurviveARestart() {
        var profiles = ChargingProfiles()
        let context = InstallContext(
            numberOfConnectors: 2, runningTransactions: [:],
            limits: SmartChargingLimits(chargeProfileMaxStackLevel: 10, chargingScheduleMaxPeriods: 24, maxChargingProfilesInstalled: 20, allowedChargingRateUnits: [.amperes, .watts]))
        let limit = ChargingProfile(
            chargingProfileId: 3, stackLevel: 0, chargingProfilePurpose: .txDefaultProfile, chargingProfileKind: .relative,
            chargingSchedule: ChargingSchedule(chargingRateUnit: .watts, chargingSchedulePeriod: [ChargingSchedulePeriod(startPeriod: 0, limit: 3000)]))
        _ = profiles.install(limit, on: 0, context: context)
        var harness = Harness(persisted: PersistedState(chargingProfiles: profiles))
        harness.bootAccepted()
        charging([2], in: &harness)
        #expect(harness.engine.connectorSnapshot(1).powerW == 3000)
    }
}
