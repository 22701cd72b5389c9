import EngineSupport
import OCPP201
import Testing

@testable import Station201

extension Harness {
    /// Sends SetChargingProfile; returns its status and reasonCode.
    mutating func setChargingProfile(evseId: Int, _ profile: String) -> (status: String?, reason: String?) {
        let call = call("SetChargingProfile", #"{"evseId":\#(evseId),"chargingProfile":\#(profile)}"#)
        let result = result(answering: call)
        return (result?["status"]?.string, result?["statusInfo"]?["reasonCode"]?.string)
    }

    mutating func answerStatus(_ action: String, _ payload: String) -> String? {
        let id = call(action, payload)
        return result(answering: id)?["status"]?.string
    }

    var installedProfileIds: [Int] { engine.chargingProfiles.entries.map(\.profile.id) }
}

/// Functional block K: SetChargingProfile, ClearChargingProfile, GetChargingProfiles, GetCompositeSchedule, the
/// limit on the delivered power and the external limit, with a fake clock.
@Suite struct SmartCharging201Tests {
    /// A ChargingProfile's JSON; `periods` as (startPeriod, limit).
    static func profile(
        id: Int, stackLevel: Int = 0, purpose: String = "TxDefaultProfile", kind: String = "Relative",
        unit: String = "A", periods: [(Int, Double)] = [(0, 16)], members: String = "", scheduleMembers: String = ""
    ) -> String {
        let periodList = periods.map { #"{"startPeriod":\#($0.0),"limit":\#($0.1)}"# }.joined(separator: ",")
        return #"{"id":\#(id),"stackLevel":\#(stackLevel),"chargingProfilePurpose":"\#(purpose)","chargingProfileKind":"\#(kind)"\#(members),"chargingSchedule":[{"id":1,"chargingRateUnit":"\#(unit)"\#(scheduleMembers),"chargingSchedulePeriod":[\#(periodList)]}]}"#
    }

    /// Booted, EVSE 1 charging at the simulated 11 kW; returns the transaction id.
    static func charging(_ harness: inout Harness) -> String {
        DisplayMessageTests.charging(&harness)
    }

    static let watts10A = 10 * 230.0 * 3

    @Test func TC_K_10_CS_aTxDefaultProfileForEveryEVSEIsPersistedBeforeTheAnswerAndLimitsThePower() {
        var harness = TransactionTests.registered()
        _ = Self.charging(&harness)
        #expect(harness.engine.evses[0].powerW == 11_000)
        let call = harness.call(
            "SetChargingProfile", #"{"evseId":0,"chargingProfile":\#(Self.profile(id: 1, periods: [(0, 6)]))}"#)
        #expect(harness.result(answering: call)?["status"]?.string == "Accepted")
        let persisted = harness.position {
            if case .persist(let changes) = $0 { changes.contains { if case .chargingProfiles = $0 { true } else { false } } } else { false }
        }
        let answered = harness.sendPosition(containing: call)
        #expect(persisted != nil && answered != nil && persisted! < answered!)
        #expect(harness.engine.evses[0].powerW == 6 * 230 * 3)
        #expect(harness.engine.connectorSnapshot(0).limitW == 4140.0)
    }

    @Test func TC_K_02_CS_aTxProfileNeedsTheTransactionRunningOnItsEVSE() {
        var harness = TransactionTests.registered(evses: 2)
        let transactionId = Self.charging(&harness)
        let noId = harness.setChargingProfile(evseId: 1, Self.profile(id: 1, purpose: "TxProfile"))
        #expect(noId.status == "Rejected" && noId.reason == "TxNotFound")
        let other = harness.setChargingProfile(
            evseId: 1, Self.profile(id: 1, purpose: "TxProfile", members: #","transactionId":"other""#))
        #expect(other.status == "Rejected" && other.reason == "TxNotFound")
        let wrongEVSE = harness.setChargingProfile(
            evseId: 2, Self.profile(id: 1, purpose: "TxProfile", members: #","transactionId":"\#(transactionId)""#))
        #expect(wrongEVSE.reason == "TxNotFound")
        let onStation = harness.setChargingProfile(
            evseId: 0, Self.profile(id: 1, purpose: "TxProfile", members: #","transactionId":"\#(transactionId)""#))
        #expect(onStation.reason == "InvalidProfile")
        let right = harness.setChargingProfile(
            evseId: 1,
            Self.profile(id: 1, purpose: "TxProfile", periods: [(0, 10)], members: #","transactionId":"\#(transactionId)""#))
        #expect(right.status == "Accepted")
        #expect(harness.engine.evses[0].powerW == 10 * 230 * 3)
    }

    @Test func aTransactionReportsChargingRateChangedWhenItsLimitChangesSignificantly() {
        var harness = TransactionTests.registered()
        _ = Self.charging(&harness)
        func rateChanges(_ harness: Harness) -> Int {
            TransactionTests.events(harness).filter { $0["triggerReason"]?.string == "ChargingRateChanged" }.count
        }
        _ = harness.setChargingProfile(evseId: 1, Self.profile(id: 1, periods: [(0, 10)]))
        harness.answerAllAccepting()
        #expect(rateChanges(harness) == 1)
        // 10 A to 9.5 A is 5 %, below the default LimitChangeSignificance of 10 %.
        _ = harness.setChargingProfile(evseId: 1, Self.profile(id: 1, periods: [(0, 9.5)]))
        harness.answerAllAccepting()
        #expect(rateChanges(harness) == 1)
        #expect(harness.answerStatus("ClearChargingProfile", #"{"chargingProfileId":1}"#) == "Accepted")
        harness.answerAllAccepting()
        #expect(rateChanges(harness) == 2)
    }

    @Test func aTxProfileEndsWithItsTransactionAndTheLimitGoes() {
        var harness = TransactionTests.registered()
        let transactionId = Self.charging(&harness)
        _ = harness.setChargingProfile(
            evseId: 1, Self.profile(id: 4, purpose: "TxProfile", members: #","transactionId":"\#(transactionId)""#))
        #expect(harness.installedProfileIds == [4])
        harness.effects = []
        _ = harness.command(.stop(evseId: 1, reason: .local))
        #expect(harness.installedProfileIds.isEmpty)
        #expect(harness.persisted.contains(.chargingProfiles([])))
        #expect(harness.engine.evses[0].limitW == nil)
    }

    @Test func K01_FR_22_theCSMSCannotSetExternalConstraints() {
        var harness = TransactionTests.registered()
        let answer = harness.setChargingProfile(
            evseId: 0, Self.profile(id: 1, purpose: "ChargingStationExternalConstraints", kind: "Absolute",
                                    scheduleMembers: #","startSchedule":"2027-01-15T08:00:00.000Z""#))
        #expect(answer.status == "Rejected" && answer.reason == "InvalidProfile")
        #expect(harness.installedProfileIds.isEmpty)
    }

    @Test func TC_K_03_CS_aChargingStationMaxProfileIsOnEVSE0AndNotRelative() {
        var harness = TransactionTests.registered()
        #expect(harness.setChargingProfile(evseId: 1, Self.profile(id: 1, purpose: "ChargingStationMaxProfile")).reason == "InvalidProfile")
        #expect(harness.setChargingProfile(evseId: 0, Self.profile(id: 1, purpose: "ChargingStationMaxProfile")).reason == "InvalidProfile")
        let absolute = Self.profile(
            id: 1, purpose: "ChargingStationMaxProfile", kind: "Absolute",
            scheduleMembers: #","startSchedule":"2027-01-15T08:00:00.000Z""#)
        #expect(harness.setChargingProfile(evseId: 0, absolute).status == "Accepted")
    }

    @Test(arguments: [
        (Self.profile(id: 1, stackLevel: 11), "InvalidStackLevel"),
        (Self.profile(id: 1, stackLevel: -1), "InvalidStackLevel"),
        (Self.profile(id: 1, periods: [(10, 16)]), "InvalidSchedule"),
        (Self.profile(id: 1, periods: [(0, 16), (600, 8), (600, 6)]), "InvalidSchedule"),
        (Self.profile(id: 1, periods: [(0, -1)]), "InvalidSchedule"),
        (Self.profile(id: 1, scheduleMembers: #","startSchedule":"2027-01-15T08:00:00.000Z""#), "InvalidSchedule"),
        (Self.profile(id: 1, kind: "Absolute"), "InvalidSchedule"),
        (Self.profile(id: 1, kind: "Recurring", scheduleMembers: #","startSchedule":"2027-01-15T08:00:00.000Z""#), "InvalidSchedule"),
        (Self.profile(id: 1, periods: Array((0..<25).map { ($0 * 60, 16.0) })), "InvalidSchedule"),
        (Self.profile(id: 1, scheduleMembers: #","duration":-5"#), "InvalidSchedule"),
    ])
    func K01_invalidProfilesAreRejectedWithTheirReason(profile: String, reason: String) {
        var harness = TransactionTests.registered()
        let answer = harness.setChargingProfile(evseId: 1, profile)
        #expect(answer.status == "Rejected" && answer.reason == reason)
        #expect(harness.installedProfileIds.isEmpty)
    }

    @Test func aPhaseToUseNeedsPhaseSwitchingAndTooManyPhasesAreRefused() {
        var harness = TransactionTests.registered()
        for period in [#""numberPhases":1,"phaseToUse":1"#, #""numberPhases":4"#, #""numberPhases":0"#] {
            let profile = #"{"id":1,"stackLevel":0,"chargingProfilePurpose":"TxDefaultProfile","chargingProfileKind":"Relative","chargingSchedule":[{"id":1,"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16,\#(period)}]}]}"#
            #expect(harness.setChargingProfile(evseId: 1, profile).reason == "InvalidSchedule")
        }
    }

    @Test func K01_FR_26_aUnitOutsideRateUnitIsUnsupportedRateUnit() {
        var harness = TransactionTests.registered(overrides: [("SmartChargingCtrlr.RateUnit", "A")])
        let answer = harness.setChargingProfile(evseId: 1, Self.profile(id: 1, unit: "W", periods: [(0, 7000)]))
        #expect(answer.status == "Rejected" && answer.reason == "UnsupportedRateUnit")
        #expect(harness.answerStatus("GetCompositeSchedule", #"{"duration":60,"evseId":1,"chargingRateUnit":"W"}"#) == "Rejected")
    }

    @Test func anUnknownEVSEIsRejectedEvenAtTheEndsOfTheIntegers() {
        var harness = TransactionTests.registered()
        for evseId in [2, -1, Int.max, Int.min] {
            #expect(harness.setChargingProfile(evseId: evseId, Self.profile(id: 1)).reason == "UnknownEvse")
            #expect(harness.answerStatus("GetCompositeSchedule", #"{"duration":60,"evseId":\#(evseId)}"#) == "Rejected")
        }
    }

    @Test func K01_FR_05_FR_06_theSameIdReplacesAndTheSameStackLevelInTheSameValidityIsDuplicate() {
        var harness = TransactionTests.registered(evses: 2)
        #expect(harness.setChargingProfile(evseId: 1, Self.profile(id: 1, periods: [(0, 16)])).status == "Accepted")
        #expect(harness.setChargingProfile(evseId: 1, Self.profile(id: 1, periods: [(0, 8)])).status == "Accepted")
        #expect(harness.installedProfileIds == [1])
        #expect(harness.engine.chargingProfiles.entries[0].profile.chargingSchedule[0].chargingSchedulePeriod[0].limit == 8)
        #expect(harness.setChargingProfile(evseId: 1, Self.profile(id: 2)).reason == "DuplicateProfile")
        // Another EVSE, or validity periods that do not meet, do not clash.
        #expect(harness.setChargingProfile(evseId: 2, Self.profile(id: 2)).status == "Accepted")
        let later = Self.profile(id: 3, members: #","validFrom":"2030-01-01T00:00:00.000Z""#)
        let bounded = Self.profile(id: 4, stackLevel: 1, members: #","validTo":"2030-01-01T00:00:00.000Z""#)
        let afterBounded = Self.profile(id: 5, stackLevel: 1, members: #","validFrom":"2030-01-01T00:00:00.000Z""#)
        #expect(harness.setChargingProfile(evseId: 1, later).reason == "DuplicateProfile")
        #expect(harness.setChargingProfile(evseId: 1, bounded).status == "Accepted")
        #expect(harness.setChargingProfile(evseId: 1, afterBounded).status == "Accepted")
    }

    @Test func beyondTheEntriesCapacityIsTooManyElementsButReplacingAnIdIsNot() {
        var harness = TransactionTests.registered()
        /// Profiles of one purpose and stackLevel on one EVSE, valid one year each, so that none clashes.
        func yearly(_ id: Int) -> String {
            Self.profile(
                id: id, members: #","validFrom":"\#(2030 + id)-01-01T00:00:00.000Z","validTo":"\#(2031 + id)-01-01T00:00:00.000Z""#)
        }
        for id in 1...ChargingProfileStore.capacity {
            #expect(harness.setChargingProfile(evseId: 1, yearly(id)).status == "Accepted")
        }
        #expect(harness.setChargingProfile(evseId: 1, yearly(ChargingProfileStore.capacity + 1)).reason == "TooManyElements")
        #expect(harness.setChargingProfile(evseId: 1, yearly(1)).status == "Accepted")
        #expect(harness.installedProfileIds.count == ChargingProfileStore.capacity)
    }

    @Test func K01_FR_52_aTxDefaultStackLevelOnTheStationAndOnAnEVSEIsDuplicate() {
        var harness = TransactionTests.registered()
        #expect(harness.setChargingProfile(evseId: 0, Self.profile(id: 1, stackLevel: 2)).status == "Accepted")
        #expect(harness.setChargingProfile(evseId: 1, Self.profile(id: 2, stackLevel: 2)).reason == "DuplicateProfile")
        #expect(harness.setChargingProfile(evseId: 1, Self.profile(id: 2, stackLevel: 3)).status == "Accepted")
    }

    @Test func TC_K_05_CS_clearByIdThenByCriteriaThenUnknown() {
        var harness = TransactionTests.registered(evses: 2)
        _ = harness.setChargingProfile(evseId: 1, Self.profile(id: 1))
        _ = harness.setChargingProfile(evseId: 2, Self.profile(id: 2))
        _ = harness.setChargingProfile(evseId: 2, Self.profile(id: 3, stackLevel: 1))
        #expect(harness.answerStatus("ClearChargingProfile", #"{"chargingProfileId":1}"#) == "Accepted")
        #expect(harness.installedProfileIds == [2, 3])
        #expect(harness.answerStatus("ClearChargingProfile", #"{"chargingProfileId":1}"#) == "Unknown")
        #expect(harness.answerStatus(
            "ClearChargingProfile", #"{"chargingProfileCriteria":{"evseId":2,"stackLevel":1}}"#) == "Accepted")
        #expect(harness.installedProfileIds == [2])
        #expect(harness.answerStatus(
            "ClearChargingProfile", #"{"chargingProfileCriteria":{"chargingProfilePurpose":"TxProfile"}}"#) == "Unknown")
        #expect(harness.answerStatus("ClearChargingProfile", "{}") == "Accepted")
        #expect(harness.installedProfileIds.isEmpty)
        #expect(harness.persisted.last == .chargingProfiles([]))
    }

    @Test func K09_getChargingProfilesReportsPerEVSEAndSourceWithTbc() {
        var harness = TransactionTests.registered(evses: 2)
        #expect(harness.answerStatus("GetChargingProfiles", #"{"requestId":5,"chargingProfile":{}}"#) == "NoProfiles")
        for id in 1...11 { _ = harness.setChargingProfile(evseId: 1, Self.profile(id: id, stackLevel: id - 1)) }
        _ = harness.setChargingProfile(evseId: 2, Self.profile(id: 20, stackLevel: 0))
        _ = harness.command(.setExternalLimit(evseId: 2, limitW: 7000))
        harness.answerAll()
        harness.effects = []
        #expect(harness.answerStatus("GetChargingProfiles", #"{"requestId":5,"chargingProfile":{}}"#) == "Accepted")
        var reports: [SentCall] = []
        while let call = harness.outstanding, call.action == "ReportChargingProfiles" {
            reports.append(call)
            harness.answerOutstanding()
        }
        let shape = reports.map { report in
            (report["evseId"], report["chargingLimitSource"]?.string, report["tbc"], report["requestId"])
        }
        #expect(shape.map(\.0) == [.integer(1), .integer(1), .integer(2), .integer(2)])
        #expect(shape.map(\.1) == ["CSO", "CSO", "CSO", "EMS"])
        #expect(shape.map(\.2) == [.bool(true), .bool(true), .bool(true), nil])
        #expect(shape.allSatisfy { $0.3 == .integer(5) })
        #expect(harness.answerStatus(
            "GetChargingProfiles", #"{"requestId":6,"evseId":2,"chargingProfile":{"chargingLimitSource":["EMS"]}}"#) == "Accepted")
        #expect(harness.outstanding?["chargingProfile"]?[0]?["id"] == .integer(-3))
        harness.answerAll()
        #expect(harness.answerStatus(
            "GetChargingProfiles", #"{"requestId":7,"evseId":0,"chargingProfile":{"stackLevel":0}}"#) == "NoProfiles")
    }

    @Test func K08_theCompositeScheduleIsTheLowestLimitInForceOverTime() {
        var harness = TransactionTests.registered()
        _ = harness.setChargingProfile(evseId: 0, Self.profile(id: 1, periods: [(0, 16), (1800, 6)]))
        let call = harness.call("GetCompositeSchedule", #"{"duration":3600,"evseId":1,"chargingRateUnit":"A"}"#)
        let answer = harness.result(answering: call)
        #expect(answer?["status"]?.string == "Accepted")
        let schedule = answer?["schedule"]
        #expect(schedule?["evseId"] == .integer(1))
        #expect(schedule?["duration"] == .integer(3600))
        #expect(schedule?["chargingRateUnit"]?.string == "A")
        #expect(schedule?["scheduleStart"]?.string == harness.engine.now.wallClock.description)
        let periods = schedule?["chargingSchedulePeriod"]
        // The EVSE's 22 kW rating is 31.8 A; the profile is lower.
        #expect(periods?[0]?["startPeriod"] == .integer(0) && periods?[0]?["limit"] == .integer(16))
        #expect(periods?[1]?["startPeriod"] == .integer(1800) && periods?[1]?["limit"] == .integer(6))
        #expect(periods?[2] == nil)
    }

    @Test func theStationsCompositeIsItsMaximumProfileAndTheEVSEsTheLowerOfBoth() {
        var harness = TransactionTests.registered()
        let maximum = Self.profile(
            id: 1, purpose: "ChargingStationMaxProfile", kind: "Absolute", unit: "W", periods: [(0, 9000)],
            scheduleMembers: #","startSchedule":"2027-01-01T00:00:00.000Z""#)
        #expect(harness.setChargingProfile(evseId: 0, maximum).status == "Accepted")
        _ = harness.setChargingProfile(evseId: 1, Self.profile(id: 2, unit: "W", periods: [(0, 12000)]))
        let stationCall = harness.call("GetCompositeSchedule", #"{"duration":60,"evseId":0}"#)
        let station = harness.result(answering: stationCall)
        #expect(station?["schedule"]?["chargingSchedulePeriod"]?[0]?["limit"] == .integer(9000))
        #expect(station?["schedule"]?["chargingRateUnit"]?.string == "W")
        let evseCall = harness.call("GetCompositeSchedule", #"{"duration":60,"evseId":1}"#)
        let evse = harness.result(answering: evseCall)
        #expect(evse?["schedule"]?["chargingSchedulePeriod"]?[0]?["limit"] == .integer(9000))
    }

    @Test func K01_FR_11_theLimitFollowsTheScheduleOnTheFakeClockAndZeroSuspends() {
        var harness = TransactionTests.registered()
        _ = Self.charging(&harness)
        let transactionId = harness.engine.evses[0].transaction!.id
        _ = harness.setChargingProfile(
            evseId: 1,
            Self.profile(id: 1, purpose: "TxProfile", periods: [(0, 10), (120, 0)],
                         members: #","transactionId":"\#(transactionId)""#))
        harness.answerAllAccepting()
        #expect(harness.engine.evses[0].powerW == Self.watts10A)
        harness.advance(by: .seconds(119))
        #expect(harness.engine.evses[0].powerW == Self.watts10A)
        harness.advance(by: .seconds(1))
        #expect(harness.engine.evses[0].powerW == 0)
        #expect(harness.engine.evses[0].chargingState == .suspendedEVSE)
        let last = TransactionTests.events(harness).last
        #expect(last?["transactionInfo"]?["chargingState"]?.string == "SuspendedEVSE")
    }

    @Test func theStationMaximumIsSharedAmongTheEVSEsThatCharge() {
        var harness = TransactionTests.registered(evses: 2)
        let maximum = Self.profile(
            id: 1, purpose: "ChargingStationMaxProfile", kind: "Absolute", unit: "W", periods: [(0, 12000)],
            scheduleMembers: #","startSchedule":"2027-01-01T00:00:00.000Z""#)
        _ = harness.setChargingProfile(evseId: 0, maximum)
        _ = harness.start(.start(evseId: 1, TransactionTests.tag))
        harness.answerAllAccepting()
        #expect(harness.engine.evses[0].powerW == 11_000)
        _ = harness.start(.start(evseId: 2, TransactionTests.tag))
        harness.answerAllAccepting()
        harness.tick()
        #expect(harness.engine.evses.map(\.powerW) == [6000, 6000])
    }

    @Test func profilesSurviveARestartAndApplyAtOnce() {
        var harness = TransactionTests.registered()
        _ = harness.setChargingProfile(evseId: 0, Self.profile(id: 1, periods: [(0, 6)]))
        guard case .chargingProfiles(let stored)? = harness.persisted.last else {
            Issue.record("the profiles were not persisted")
            return
        }
        var restarted = Harness(evses: 1, persisted: PersistedState(chargingProfiles: stored))
        restarted.boot()
        #expect(restarted.installedProfileIds == [1])
        _ = Self.charging(&restarted)
        #expect(restarted.engine.evses[0].powerW == 6 * 230 * 3)
    }

    @Test func absurdNumbersFromTheCSMSNeitherCrashNorLimitForever() {
        var harness = TransactionTests.registered()
        _ = Self.charging(&harness)
        let huge = Self.profile(
            id: 1, periods: [(0, 10), (Int.max, 1)], scheduleMembers: #","duration":\#(Int.max)"#)
        #expect(harness.setChargingProfile(evseId: 0, huge).status == "Accepted")
        #expect(harness.engine.evses[0].powerW == Self.watts10A)
        let compositeCall = harness.call("GetCompositeSchedule", #"{"duration":\#(Int.max),"evseId":1}"#)
        let composite = harness.result(answering: compositeCall)
        #expect(composite?["status"]?.string == "Accepted")
        #expect(composite?["schedule"]?["duration"] == .integer(Int64(StationEngine.longestCompositeDuration)))
        harness.advance(by: .seconds(3600))
        #expect(harness.engine.evses[0].powerW == Self.watts10A)
    }

    @Test(arguments: [
        ("SetChargingProfile", #"{"evseId":1}"#, "OccurrenceConstraintViolation"),
        ("SetChargingProfile", #"{"evseId":"1","chargingProfile":{}}"#, "TypeConstraintViolation"),
        ("GetCompositeSchedule", #"{"duration":-1,"evseId":1}"#, "PropertyConstraintViolation"),
        ("GetChargingProfiles", #"{"requestId":1,"chargingProfile":{"chargingLimitSource":["EMS","SO","CSO","Other","EMS"]}}"#, "PropertyConstraintViolation"),
        ("ClearChargingProfile", #"{"chargingProfileCriteria":{"chargingProfilePurpose":"Everything"}}"#, "PropertyConstraintViolation"),
    ])
    func malformedRequestsGetTheirCallErrors(action: String, payload: String, code: String) {
        var harness = TransactionTests.registered()
        let id = harness.call(action, payload)
        #expect(harness.errorCode(answering: id) == code)
    }

    @Test func whileDisabledNothingIsInstalledAndNothingLimits() {
        var harness = TransactionTests.registered()
        _ = Self.charging(&harness)
        _ = harness.setChargingProfile(evseId: 0, Self.profile(id: 1, periods: [(0, 6)]))
        _ = harness.command(.setVariable(StandardVariables.smartChargingEnabled.address, value: "false"))
        harness.tick()
        #expect(harness.engine.evses[0].powerW == 11_000)
        let answer = harness.setChargingProfile(evseId: 0, Self.profile(id: 2, stackLevel: 1))
        #expect(answer.status == "Rejected" && answer.reason == "NotEnabled")
        #expect(harness.installedProfileIds == [1])
    }

    @Test func F01_FR_08_aRemoteStartsTxProfileBecomesItsTransactionsProfile() {
        var harness = TransactionTests.registered()
        let wrongPurpose = harness.answerStatus(
            "RequestStartTransaction",
            #"{"evseId":1,"remoteStartId":7,"idToken":{"idToken":"TAG1","type":"ISO14443"},"chargingProfile":\#(Self.profile(id: 9))}"#)
        #expect(wrongPurpose == "Rejected")
        let accepted = harness.answerStatus(
            "RequestStartTransaction",
            #"{"evseId":1,"remoteStartId":7,"idToken":{"idToken":"TAG1","type":"ISO14443"},"chargingProfile":\#(Self.profile(id: 9, purpose: "TxProfile", periods: [(0, 8)]))}"#)
        #expect(accepted == "Accepted")
        #expect(harness.installedProfileIds.isEmpty)
        _ = harness.command(.plug(evseId: 1))
        harness.answerAllAccepting()
        let transaction = harness.engine.evses[0].transaction
        #expect(transaction != nil)
        #expect(harness.engine.chargingProfiles.entries.map(\.profile.transactionId?.value) == [transaction?.id])
        #expect(harness.engine.evses[0].powerW == 8 * 230 * 3)
    }

    @Test func F01_FR_13_aRemoteStartsTxProfileLimitsTheTransactionAlreadyRunningThere() {
        var harness = TransactionTests.registered(overrides: [
            ("TxCtrlr.TxStartPoint", "EVConnected"), ("AuthCtrlr.AuthorizeRemoteStart", "false"),
        ])
        _ = harness.command(.plug(evseId: 1))
        harness.answerAllAccepting()
        let running = harness.engine.evses[0].transaction?.id
        #expect(running != nil)
        let call = harness.call(
            "RequestStartTransaction",
            #"{"evseId":1,"remoteStartId":8,"idToken":{"idToken":"TAG1","type":"ISO14443"},"chargingProfile":\#(Self.profile(id: 9, purpose: "TxProfile", periods: [(0, 8)]))}"#)
        #expect(harness.result(answering: call)?["transactionId"]?.string == running)
        harness.answerAllAccepting()
        #expect(harness.engine.chargingProfiles.entries.map(\.profile.transactionId?.value) == [running])
        #expect(harness.engine.evses[0].powerW == 8 * 230 * 3)
    }

    @Test func K12_K13_anExternalLimitIsNotifiedWhenSignificantAndClearedWhenReleased() {
        var harness = TransactionTests.registered()
        _ = Self.charging(&harness)
        harness.effects = []
        #expect(harness.command(.setExternalLimit(evseId: 1, limitW: 7000)) == .externalLimit(evseId: 1, limitW: 7000))
        #expect(harness.engine.evses[0].powerW == 7000)
        harness.answerAllAccepting()
        let notified = harness.calls("NotifyChargingLimit")
        #expect(notified.count == 1)
        #expect(notified.first?["evseId"] == .integer(1))
        #expect(notified.first?["chargingLimit"]?["chargingLimitSource"]?.string == "EMS")
        #expect(notified.first?["chargingSchedule"]?[0]?["chargingSchedulePeriod"]?[0]?["limit"] == .integer(7000))
        #expect(TransactionTests.events(harness).last?["triggerReason"]?.string == "ChargingRateChanged")
        // 5 % is below the default significance of 10 %.
        _ = harness.command(.setExternalLimit(evseId: 1, limitW: 6650))
        harness.answerAllAccepting()
        #expect(harness.calls("NotifyChargingLimit").count == 1)
        #expect(harness.engine.evses[0].powerW == 6650)
        // The CSMS cannot clear it.
        #expect(harness.answerStatus("ClearChargingProfile", "{}") == "Unknown")
        _ = harness.command(.setExternalLimit(evseId: 1, limitW: nil))
        harness.answerAllAccepting()
        let cleared = harness.calls("ClearedChargingLimit")
        #expect(cleared.count == 1 && cleared.first?["chargingLimitSource"]?.string == "EMS")
        #expect(harness.engine.evses[0].powerW == 11_000)
    }

    @Test func anExternalLimitNeedsExternalControlSignalsAndAnEVSE() {
        var harness = TransactionTests.registered(overrides: [("SmartChargingCtrlr.ExternalControlSignalsEnabled", "false")])
        #expect(harness.command(.setExternalLimit(evseId: 1, limitW: 7000)) == .failed(.externalControlDisabled))
        #expect(harness.command(.setExternalLimit(evseId: 5, limitW: 7000)) == .failed(.unknownEVSE(5)))
    }

    @Test func theSmartChargingVariablesAreReported() {
        var harness = TransactionTests.registered()
        _ = harness.setChargingProfile(evseId: 1, Self.profile(id: 1))
        let get = harness.call("GetVariables", #"{"getVariableData":[{"component":{"name":"SmartChargingCtrlr"},"variable":{"name":"Entries","instance":"ChargingProfiles"}},{"component":{"name":"SmartChargingCtrlr"},"variable":{"name":"RateUnit"}},{"component":{"name":"SmartChargingCtrlr"},"variable":{"name":"ProfileStackLevel"}}]}"#)
        let results = harness.result(answering: get)?["getVariableResult"]
        #expect(results?[0]?["attributeValue"]?.string == "1")
        #expect(results?[1]?["attributeValue"]?.string == "A,W")
        #expect(results?[2]?["attributeValue"]?.string == "10")
    }
}
