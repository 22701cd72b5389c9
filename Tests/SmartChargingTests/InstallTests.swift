import OCPP16
import SmartCharging
import Testing

@Suite("Install refusals")
struct InstallRefusalTests {
    private func outcome(
        _ profile: ChargingProfile, on connectorId: Int = 1, context: InstallContext = context
    ) -> InstallOutcome {
        var profiles = ChargingProfiles()
        let outcome = profiles.install(profile, on: connectorId, context: context)
        #expect(profiles.installed.isEmpty == (outcome != .accepted))
        return outcome
    }

    private let valid = profile(id: 1, periods: [period(0, 16)])

    @Test func theValidFixtureIsAccepted() {
        #expect(outcome(valid) == .accepted)
        #expect(outcome(valid, on: 0) == .accepted)
        #expect(outcome(valid, on: 2) == .accepted)
    }

    @Test(arguments: [-1, 3])
    func unknownConnector(connectorId: Int) {
        #expect(outcome(valid, on: connectorId) == .rejected(.unknownConnector(connectorId)))
    }

    @Test(arguments: [-1, 11])
    func stackLevelOutOfRange(level: Int) {
        #expect(
            outcome(profile(id: 1, stackLevel: level, periods: [period(0, 16)]))
                == .rejected(.stackLevelOutOfRange(stackLevel: level, maximum: 10)))
        #expect(outcome(profile(id: 1, stackLevel: 10, periods: [period(0, 16)])) == .accepted)
    }

    @Test func tooManyProfilesUnlessReplacing() {
        var limits = generousLimits
        limits.maxChargingProfilesInstalled = 2
        let small = InstallContext(numberOfConnectors: 2, runningTransactions: [:], limits: limits)
        var profiles = ChargingProfiles()
        #expect(profiles.install(profile(id: 1, periods: [period(0, 16)]), on: 1, context: small) == .accepted)
        #expect(profiles.install(profile(id: 2, periods: [period(0, 16)]), on: 2, context: small) == .accepted)
        #expect(
            profiles.install(profile(id: 3, periods: [period(0, 16)]), on: 0, context: small)
                == .rejected(.tooManyProfiles(maximum: 2)))
        #expect(profiles.install(profile(id: 2, periods: [period(0, 8)]), on: 2, context: small) == .accepted)
        #expect(profiles.install(profile(id: 4, periods: [period(0, 8)]), on: 1, context: small) == .accepted)
        #expect(profiles.installed.map(\.profile.chargingProfileId) == [2, 4])
    }

    @Test func tooManyPeriods() {
        var limits = generousLimits
        limits.chargingScheduleMaxPeriods = 3
        let strict = InstallContext(numberOfConnectors: 2, runningTransactions: [:], limits: limits)
        let three = [period(0, 16), period(60, 12), period(120, 8)]
        #expect(outcome(profile(id: 1, periods: three), context: strict) == .accepted)
        #expect(
            outcome(profile(id: 1, periods: three + [period(180, 6)]), context: strict)
                == .rejected(.tooManyPeriods(count: 4, maximum: 3)))
    }

    @Test func unitNotAllowed() {
        var limits = generousLimits
        limits.allowedChargingRateUnits = [.amperes]
        let currentOnly = InstallContext(numberOfConnectors: 2, runningTransactions: [:], limits: limits)
        #expect(outcome(valid, context: currentOnly) == .accepted)
        #expect(
            outcome(profile(id: 1, unit: .watts, periods: [period(0, 11_000)]), context: currentOnly)
                == .rejected(.unitNotAllowed(.watts)))
    }

    @Test func periodsMustStartAtZeroAndAscend() {
        #expect(outcome(profile(id: 1, periods: [period(60, 16)])) == .rejected(.firstPeriodNotAtZero))
        #expect(outcome(profile(id: 1, periods: [])) == .rejected(.firstPeriodNotAtZero))
        #expect(
            outcome(profile(id: 1, periods: [period(0, 16), period(600, 10), period(600, 12)]))
                == .rejected(.periodsNotAscending(startPeriod: 600)))
        #expect(
            outcome(profile(id: 1, periods: [period(0, 16), period(600, 10), period(300, 12)]))
                == .rejected(.periodsNotAscending(startPeriod: 300)))
    }

    @Test(arguments: [0, 4])
    func numberPhasesOutOfRange(phases: Int) {
        #expect(
            outcome(profile(id: 1, periods: [period(0, 16), period(60, 16, phases: phases)]))
                == .rejected(.numberPhasesOutOfRange(phases)))
    }

    @Test func negativeLimit() {
        #expect(outcome(profile(id: 1, periods: [period(0, -0.5)])) == .rejected(.negativeLimit(-0.5)))
        #expect(outcome(profile(id: 1, periods: [period(0, 0)])) == .accepted)
    }

    @Test func absoluteAndRecurringNeedStartSchedule() {
        #expect(
            outcome(profile(id: 1, kind: .absolute, startSchedule: nil, periods: [period(0, 16)]))
                == .rejected(.missingStartSchedule(.absolute)))
        #expect(
            outcome(profile(id: 1, kind: .recurring, recurrency: .daily, startSchedule: nil, periods: [period(0, 16)]))
                == .rejected(.missingStartSchedule(.recurring)))
        #expect(outcome(profile(id: 1, kind: .relative, startSchedule: nil, periods: [period(0, 16)])) == .accepted)
    }

    @Test func recurringNeedsRecurrencyKind() {
        #expect(
            outcome(profile(id: 1, kind: .recurring, recurrency: nil, periods: [period(0, 16)]))
                == .rejected(.missingRecurrencyKind))
    }

    @Test func chargePointMaxProfileOnlyOnConnectorZeroAndNotRelative() {
        let max = profile(id: 1, purpose: .chargePointMaxProfile, periods: [period(0, 32)])
        #expect(outcome(max, on: 0) == .accepted)
        #expect(outcome(max, on: 1) == .rejected(.chargePointMaxProfileNotOnConnectorZero(1)))
        #expect(
            outcome(profile(id: 1, purpose: .chargePointMaxProfile, kind: .relative, periods: [period(0, 32)]), on: 0)
                == .rejected(.relativeChargePointMaxProfile))
    }

    @Test func txProfileNeedsARunningTransactionOnARealConnector() {
        let tx = profile(id: 1, purpose: .txProfile, kind: .relative, periods: [period(0, 16)])
        #expect(outcome(tx, on: 0) == .rejected(.txProfileOnConnectorZero))
        #expect(outcome(tx, on: 2) == .rejected(.noTransactionOnConnector(2)))
        #expect(outcome(tx, on: 1) == .accepted)
    }

    @Test func txProfileTransactionIdMustMatchTheRunningOne() {
        let named = { (id: Int) in
            profile(id: 1, purpose: .txProfile, kind: .relative, transactionId: id, periods: [period(0, 16)])
        }
        #expect(outcome(named(42), on: 1) == .accepted)
        #expect(outcome(named(43), on: 1) == .rejected(.transactionMismatch(profile: 43, running: 42)))
        let awaitingId = InstallContext(
            numberOfConnectors: 2, runningTransactions: [1: RunningTransaction(transactionId: nil)],
            limits: generousLimits)
        #expect(
            outcome(named(42), on: 1, context: awaitingId)
                == .rejected(.transactionMismatch(profile: 42, running: nil)))
    }

    @Test func refusalsExplainThemselves() {
        #expect(InstallRefusal.unknownConnector(3).description == "connector 3 does not exist")
        #expect(
            InstallRefusal.transactionMismatch(profile: 43, running: 42).description
                == "transaction 43 is not the one running (42)")
    }
}

@Suite("Install: replacement and transactions")
struct ReplacementTests {
    @Test func sameIdReplacesWhereverItIs() {
        var profiles = installing([
            (1, profile(id: 1, stackLevel: 0, periods: [period(0, 16)])),
            (0, profile(id: 2, stackLevel: 0, periods: [period(0, 10)])),
        ])
        let moved = profile(id: 1, stackLevel: 4, periods: [period(0, 8)])
        #expect(profiles.install(moved, on: 2, context: context) == .accepted)
        #expect(
            profiles.installed == [
                InstalledProfile(connectorId: 0, profile: profile(id: 2, stackLevel: 0, periods: [period(0, 10)])),
                InstalledProfile(connectorId: 2, profile: moved),
            ])
    }

    @Test func sameStackLevelAndPurposeOnTheSameConnectorReplaces() {
        var profiles = installing([(1, profile(id: 1, stackLevel: 2, periods: [period(0, 16)]))])
        let newer = profile(id: 2, stackLevel: 2, periods: [period(0, 8)])
        #expect(profiles.install(newer, on: 1, context: context) == .accepted)
        #expect(profiles.installed == [InstalledProfile(connectorId: 1, profile: newer)])
    }

    @Test func anotherConnectorPurposeOrStackLevelDoesNotReplace() {
        let profiles = installing([
            (1, profile(id: 1, stackLevel: 2, periods: [period(0, 16)])),
            (2, profile(id: 2, stackLevel: 2, periods: [period(0, 16)])),
            (0, profile(id: 3, stackLevel: 2, periods: [period(0, 16)])),
            (1, profile(id: 4, stackLevel: 2, purpose: .txProfile, kind: .relative, periods: [period(0, 16)])),
            (1, profile(id: 5, stackLevel: 3, periods: [period(0, 16)])),
        ])
        #expect(profiles.installed.map(\.profile.chargingProfileId) == [1, 2, 3, 4, 5])
    }

    @Test func aTxProfileWithoutTransactionIdIsBoundToTheRunningTransaction() {
        let profiles = installing([(1, profile(id: 1, purpose: .txProfile, kind: .relative, periods: [period(0, 16)]))])
        #expect(profiles.installed.map(\.profile.transactionId) == [42])
    }

    @Test func txProfilesEndWithTheirTransaction() {
        var profiles = installing([
            (1, profile(id: 1, purpose: .txProfile, kind: .relative, periods: [period(0, 16)])),
            (1, profile(id: 2, periods: [period(0, 10)])),
            (0, profile(id: 3, stackLevel: 1, periods: [period(0, 10)])),
        ])
        profiles.transactionEnded(connectorId: 2)
        #expect(profiles.installed.map(\.profile.chargingProfileId) == [1, 2, 3])
        profiles.transactionEnded(connectorId: 1)
        #expect(profiles.installed.map(\.profile.chargingProfileId) == [2, 3])
    }
}

@Suite("RemoteStartTransaction profile")
struct RemoteStartTests {
    private let embedded = profile(id: 7, stackLevel: 1, purpose: .txProfile, kind: .relative, periods: [period(0, 10)])

    @Test func checkedBeforeTheTransactionWithoutInstalling() {
        let profiles = ChargingProfiles()
        #expect(profiles.checkForRemoteStart(embedded, on: 2, context: context) == .accepted)
        #expect(profiles.installed.isEmpty)
    }

    @Test func refusedWhenNotATxProfileOrNamingATransaction() {
        let profiles = ChargingProfiles()
        var txDefault = embedded
        txDefault.chargingProfilePurpose = .txDefaultProfile
        #expect(
            profiles.checkForRemoteStart(txDefault, on: 2, context: context)
                == .rejected(.notTxProfile(.txDefaultProfile)))
        var named = embedded
        named.transactionId = 42
        #expect(
            profiles.checkForRemoteStart(named, on: 2, context: context) == .rejected(.transactionIdBeforeStart(42)))
        var tooHigh = embedded
        tooHigh.stackLevel = 11
        #expect(
            profiles.checkForRemoteStart(tooHigh, on: 2, context: context)
                == .rejected(.stackLevelOutOfRange(stackLevel: 11, maximum: 10)))
        #expect(profiles.checkForRemoteStart(embedded, on: 3, context: context) == .rejected(.unknownConnector(3)))
    }

    @Test func boundToTheNewTransactionAndReplaceableBySetChargingProfile() {
        var started = context
        started.runningTransactions[2] = RunningTransaction(transactionId: 77)
        var profiles = ChargingProfiles()
        #expect(profiles.installForNewTransaction(embedded, on: 2, context: started) == .accepted)
        var bound = embedded
        bound.transactionId = 77
        #expect(profiles.installed == [InstalledProfile(connectorId: 2, profile: bound)])

        let replacement = profile(
            id: 8, stackLevel: 1, purpose: .txProfile, kind: .relative, transactionId: 77, periods: [period(0, 6)])
        #expect(profiles.install(replacement, on: 2, context: started) == .accepted)
        #expect(profiles.installed == [InstalledProfile(connectorId: 2, profile: replacement)])
    }

    @Test func installingStillRequiresTheTransactionToRun() {
        var profiles = ChargingProfiles()
        #expect(
            profiles.installForNewTransaction(embedded, on: 2, context: context)
                == .rejected(.noTransactionOnConnector(2)))
    }
}
