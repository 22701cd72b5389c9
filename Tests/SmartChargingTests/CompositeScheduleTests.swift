import OCPP16
import SmartCharging
import Testing

/// The composite's periods for connector 1 from t0 over an hour, in amperes on three phases,
/// unless a scenario says otherwise.
private func periods(
    _ profiles: ChargingProfiles, connectorId: Int = 1, from start: Timestamp = t0, duration: Int = 3600,
    unit: ChargingRateUnit = .amperes, transactionStart: Timestamp? = nil, phases: Int = 3,
    ratedPowerW: Double = rated32A
) -> [ChargingSchedulePeriod] {
    profiles.compositeSchedule(
        connectorId: connectorId, from: start, duration: duration, unit: unit, transactionStart: transactionStart,
        phases: phases, ratedPowerW: ratedPowerW
    ).chargingSchedulePeriod
}

@Suite("Composite schedule: stacking and validity")
struct StackingTests {
    @Test func higherStackLevelWinsWhileInForceThenLowerResumes() {
        let profiles = installing([
            (1, profile(id: 1, stackLevel: 0, periods: [period(0, 16)])),
            // Higher even though its limit is higher: stacking picks by level, not by minimum.
            (1, profile(id: 2, stackLevel: 1, startSchedule: time(t0, plus: 600), duration: 1200,
                        periods: [period(0, 20), period(600, 10)])),
        ])
        #expect(periods(profiles) == composite((0, 16), (600, 20), (1200, 10), (1800, 16)))
        #expect(profiles.limit(connectorId: 1, at: time(t0, plus: 900), transactionStart: nil, phases: 3) == 13_800)
        #expect(profiles.limit(connectorId: 1, at: time(t0, plus: 1800), transactionStart: nil, phases: 3) == 11_040)
    }

    @Test func topLevelWithoutDurationHidesLowerLevelsForever() {
        let profiles = installing([
            (1, profile(id: 1, stackLevel: 0, periods: [period(0, 16)])),
            (1, profile(id: 2, stackLevel: 3, startSchedule: time(t0, plus: 60), periods: [period(0, 12)])),
        ])
        #expect(periods(profiles, duration: 86_400) == composite((0, 16), (60, 12)))
    }

    @Test func validFromAndValidToBoundTheProfile() {
        let profiles = installing([
            (0, profile(id: 1, stackLevel: 0, periods: [period(0, 10)])),
            (0, profile(id: 2, stackLevel: 1, validFrom: time(t0, plus: 900), validTo: time(t0, plus: 2700),
                        periods: [period(0, 6)])),
        ])
        #expect(periods(profiles) == composite((0, 10), (900, 6), (2700, 10)))
        #expect(profiles.limit(connectorId: 1, at: time(t0, plus: 2699), transactionStart: nil, phases: 3) == 4_140)
        #expect(profiles.limit(connectorId: 1, at: time(t0, plus: 2700), transactionStart: nil, phases: 3) == 6_900)
    }

    @Test func aChangeBetweenSecondsShowsFromTheNextWholeSecond() {
        let validFrom = Timestamp(millisecondsSince1970: t0.millisecondsSince1970 + 900_500)
        let profiles = installing([(1, profile(id: 1, validFrom: validFrom, periods: [period(0, 6)]))])
        #expect(periods(profiles) == composite((0, 32), (901, 6)))
    }

    @Test func noProfileInForceReportsTheRatingAndNoLimit() {
        let expired = installing([(1, profile(id: 1, validTo: t0, periods: [period(0, 6)]))])
        #expect(periods(expired) == composite((0, 32)))
        #expect(periods(ChargingProfiles()) == composite((0, 32)))
        #expect(expired.limit(connectorId: 1, at: t0, transactionStart: nil, phases: 3) == nil)
        #expect(ChargingProfiles().limit(connectorId: 1, at: t0, transactionStart: nil, phases: 3) == nil)
    }
}

@Suite("Composite schedule: profile kinds")
struct ProfileKindTests {
    @Test func absoluteRunsFromStartScheduleEvenWhenThatIsPast() {
        let profiles = installing([
            (1, profile(id: 1, startSchedule: time(t0, plus: -3600),
                        periods: [period(0, 10), period(1800, 12), period(4000, 14)]))
        ])
        #expect(periods(profiles) == composite((0, 12), (400, 14)))
    }

    @Test func absoluteIsNotInForceBeforeStartSchedule() {
        let profiles = installing([(1, profile(id: 1, startSchedule: time(t0, plus: 1200), periods: [period(0, 10)]))])
        #expect(periods(profiles) == composite((0, 32), (1200, 10)))
    }

    @Test func relativeRunsFromTheTransactionStart() {
        let profiles = installing([(1, profile(id: 1, kind: .relative, periods: [period(0, 6), period(1800, 16)]))])
        #expect(periods(profiles, transactionStart: time(t0, plus: -1200)) == composite((0, 6), (600, 16)))
        #expect(
            profiles.limit(connectorId: 1, at: time(t0, plus: 600), transactionStart: time(t0, plus: -1200), phases: 3)
                == 11_040)
    }

    @Test func relativeWithoutTransactionRunsFromTheWindowStart() {
        let profiles = installing([(1, profile(id: 1, kind: .relative, periods: [period(0, 6), period(1800, 16)]))])
        #expect(periods(profiles, from: time(t0, plus: 500)) == composite((0, 6), (1800, 16)))
        #expect(profiles.limit(connectorId: 1, at: time(t0, plus: 5000), transactionStart: nil, phases: 3) == 4_140)
    }

    @Test func relativeDurationCountsFromTheTransactionStart() {
        let profiles = installing([
            (1, profile(id: 1, kind: .relative, duration: 2400, periods: [period(0, 6), period(1800, 16)]))
        ])
        #expect(periods(profiles, transactionStart: time(t0, plus: -1200)) == composite((0, 6), (600, 16), (1200, 32)))
    }

    @Test func dailyRecurrenceCrossesIntoTheNextOccurrence() {
        let profiles = installing([
            (1, profile(id: 1, kind: .recurring, recurrency: .daily, startSchedule: time("2023-12-01T22:00:00Z"),
                        periods: [period(0, 8), period(3600, 16)]))
        ])
        // 21:30–22:00 is the end of yesterday's occurrence, whose last period holds until today's starts.
        #expect(
            periods(profiles, from: time("2024-01-01T21:30:00Z"), duration: 7200)
                == composite((0, 16), (1800, 8), (5400, 16)))
    }

    @Test func dailyRecurrenceWithDurationLeavesGapsBetweenOccurrences() {
        let profiles = installing([
            (1, profile(id: 1, kind: .recurring, recurrency: .daily, startSchedule: time("2023-12-01T22:00:00Z"),
                        duration: 7200, periods: [period(0, 8), period(3600, 16)]))
        ])
        #expect(
            periods(profiles, from: time("2024-01-01T21:30:00Z"), duration: 10_800)
                == composite((0, 32), (1800, 8), (5400, 16), (9000, 32)))
    }

    @Test func weeklyRecurrenceRestartsAfterSevenDays() {
        let profiles = installing([
            (1, profile(id: 1, kind: .recurring, recurrency: .weekly, periods: [period(0, 10), period(86_400, 20)]))
        ])
        #expect(periods(profiles, from: time("2024-01-07T23:00:00Z"), duration: 7200) == composite((0, 20), (3600, 10)))
        #expect(periods(profiles, from: time("2024-01-10T23:00:00Z"), duration: 7200) == composite((0, 20)))
        #expect(periods(profiles, from: time("2024-01-15T23:00:00Z"), duration: 7200) == composite((0, 10), (3600, 20)))
    }

    @Test func recurrenceStartsAtItsFirstOccurrence() {
        let profiles = installing([
            (1, profile(id: 1, kind: .recurring, recurrency: .weekly, periods: [period(0, 10), period(86_400, 20)]))
        ])
        #expect(periods(profiles, from: time("2023-12-31T23:00:00Z"), duration: 7200) == composite((0, 32), (3600, 10)))
        // Exactly one recurrence before startSchedule is not an occurrence either.
        #expect(
            profiles.limit(connectorId: 1, at: time("2023-12-25T00:00:00Z"), transactionStart: nil, phases: 3) == nil)
    }
}

@Suite("Composite schedule: purposes and connectors")
struct PurposeTests {
    @Test func chargePointMaxProfileCapsTheTxDefaultProfile() {
        let profiles = installing([
            (0, profile(id: 1, purpose: .chargePointMaxProfile, unit: .watts, periods: [period(0, 11_040)])),
            (1, profile(id: 2, periods: [period(0, 20), period(1800, 10)])),
        ])
        #expect(periods(profiles) == composite((0, 16), (1800, 10)))
        #expect(periods(profiles, unit: .watts) == composite((0, 11_040), (1800, 6_900)))
        #expect(profiles.limit(connectorId: 1, at: t0, transactionStart: nil, phases: 3) == 11_040)
    }

    @Test func limitsOfDifferentPhaseCountsCompareAsPower() {
        // 16 A on one phase is 3680 W, below the 11000 W cap, though 16 A is above 15.9 A.
        let profiles = installing([
            (0, profile(id: 1, purpose: .chargePointMaxProfile, unit: .watts, periods: [period(0, 11_000)])),
            (1, profile(id: 2, periods: [period(0, 16, phases: 1)])),
        ])
        #expect(periods(profiles) == composite((0, 16), phases: 1))
        #expect(periods(profiles, unit: .watts) == composite((0, 3_680), phases: 1))
    }

    @Test func connectorZeroReportsOnlyTheChargePointMaximum() {
        let profiles = installing([
            (0, profile(id: 1, purpose: .chargePointMaxProfile, unit: .watts, periods: [period(0, 11_040)])),
            (0, profile(id: 2, periods: [period(0, 5)])),
            (1, profile(id: 3, periods: [period(0, 6)])),
        ])
        #expect(periods(profiles, connectorId: 0, ratedPowerW: 2 * rated32A) == composite((0, 16)))
        #expect(profiles.limit(connectorId: 0, at: t0, transactionStart: nil, phases: 3) == 11_040)
        #expect(periods(installing([]), connectorId: 0, ratedPowerW: 2 * rated32A) == composite((0, 64)))
    }

    @Test func txProfileOverridesTxDefaultProfileThenFallsBack() {
        let profiles = installing([
            (1, profile(id: 1, stackLevel: 5, periods: [period(0, 10)])),
            (1, profile(id: 2, purpose: .txProfile, kind: .relative, duration: 1200, periods: [period(0, 20)])),
        ])
        #expect(periods(profiles, transactionStart: t0) == composite((0, 20), (1200, 10)))
    }

    @Test func connectorTxDefaultProfileBeatsConnectorZerosWhileInForce() {
        let profiles = installing([
            (0, profile(id: 1, stackLevel: 5, periods: [period(0, 10)])),
            (1, profile(id: 2, stackLevel: 0, duration: 1800, periods: [period(0, 16)])),
        ])
        #expect(periods(profiles, connectorId: 1) == composite((0, 16), (1800, 10)))
        #expect(periods(profiles, connectorId: 2) == composite((0, 10)))
    }

    @Test func theRatingCapsProfilesAboveIt() {
        let profiles = installing([(1, profile(id: 1, periods: [period(0, 40), period(600, 20)]))])
        #expect(periods(profiles) == composite((0, 32), (600, 20)))
        #expect(profiles.limit(connectorId: 1, at: t0, transactionStart: nil, phases: 3) == 27_600)
    }
}

@Suite("Composite schedule: units, merging, duration")
struct ConversionAndShapeTests {
    @Test(arguments: [
        (phases: Int?.none, watts: 11_040.0, reported: 3),
        (phases: 3, watts: 11_040, reported: 3),
        (phases: 1, watts: 3_680, reported: 1),
    ])
    func amperesBecomeWattsTimes230TimesPhases(phases: Int?, watts: Double, reported: Int) {
        let profiles = installing([(1, profile(id: 1, periods: [period(0, 16, phases: phases)]))])
        #expect(periods(profiles, unit: .watts, ratedPowerW: 100_000) == composite((0, watts), phases: reported))
        #expect(profiles.limit(connectorId: 1, at: t0, transactionStart: nil, phases: 3) == watts)
    }

    @Test(arguments: [
        (phases: Int?.none, amperes: 14.4, reported: 3),  // 10000 / 690 = 14.49…, rounded down to 0.1
        (phases: 3, amperes: 14.4, reported: 3),
        (phases: 1, amperes: 43.4, reported: 1),  // 10000 / 230 = 43.47…
    ])
    func wattsBecomeAmperesRoundedDownToATenth(phases: Int?, amperes: Double, reported: Int) {
        let profiles = installing([(1, profile(id: 1, unit: .watts, periods: [period(0, 10_000, phases: phases)]))])
        #expect(periods(profiles, ratedPowerW: 100_000) == composite((0, amperes), phases: reported))
    }

    @Test func aSinglePhaseConnectorDrawsOnOnePhaseWhateverTheProfileAllows() {
        let profiles = installing([(1, profile(id: 1, periods: [period(0, 16)]))])
        #expect(periods(profiles, unit: .watts, phases: 1) == composite((0, 3_680), phases: 1))
        #expect(profiles.limit(connectorId: 1, at: t0, transactionStart: nil, phases: 1) == 3_680)
        #expect(periods(profiles, phases: 1) == composite((0, 16), phases: 1))
    }

    @Test func wattProfilesKeepTheirValueInWatts() {
        let profiles = installing([(1, profile(id: 1, unit: .watts, periods: [period(0, 7_400.5)]))])
        #expect(periods(profiles, unit: .watts) == composite((0, 7_400.5)))
    }

    @Test func equalConsecutivePeriodsMerge() {
        let steps = profile(id: 1, periods: [period(0, 10), period(600, 10), period(1200, 12)])
        #expect(periods(installing([(1, steps)]), duration: 2400) == composite((0, 10), (1200, 12)))
        // Also across profiles: the level-1 profile ends where level 0 reaches the same 12 A.
        let covering = profile(id: 2, stackLevel: 1, validTo: time(t0, plus: 1200), periods: [period(0, 12)])
        #expect(periods(installing([(1, steps), (1, covering)]), duration: 2400) == composite((0, 12)))
    }

    @Test func equalLimitsOnDifferentPhasesStaySeparate() {
        let profiles = installing([(1, profile(id: 1, periods: [period(0, 10), period(600, 10, phases: 1)]))])
        #expect(
            periods(profiles)
                == [
                    ChargingSchedulePeriod(startPeriod: 0, limit: 10, numberPhases: 3),
                    ChargingSchedulePeriod(startPeriod: 600, limit: 10, numberPhases: 1),
                ])
    }

    @Test func aWindowShorterThanTheScheduleCutsItOff() {
        let profiles = installing([(1, profile(id: 1, periods: [period(0, 10), period(1800, 20), period(7200, 30)]))])
        let schedule = profiles.compositeSchedule(
            connectorId: 1, from: t0, duration: 3600, unit: .amperes, transactionStart: nil, phases: 3,
            ratedPowerW: rated32A)
        #expect(
            schedule
                == ChargingSchedule(
                    duration: 3600, startSchedule: nil, chargingRateUnit: .amperes,
                    chargingSchedulePeriod: composite((0, 10), (1800, 20))))
    }

    @Test func theLastPeriodHoldsUntilTheProfileDurationEnds() {
        let profiles = installing([(1, profile(id: 1, duration: 5400, periods: [period(0, 10), period(1800, 20)]))])
        #expect(periods(profiles, duration: 7200) == composite((0, 10), (1800, 20), (5400, 32)))
    }

    @Test func overlongWindowsAreCutToTheLongestCompositeDuration() {
        let schedule = ChargingProfiles().compositeSchedule(
            connectorId: 1, from: t0, duration: 400 * 86_400, unit: .watts, transactionStart: nil, phases: 3,
            ratedPowerW: rated32A)
        #expect(schedule.duration == 366 * 86_400)
        #expect(schedule.chargingSchedulePeriod == composite((0, rated32A)))
    }
}
