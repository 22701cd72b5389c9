import OCPP16
import SmartCharging
import Testing

/// 2024-01-01T00:00:00Z, a Monday: the origin of most scenarios.
let t0 = time("2024-01-01T00:00:00Z")

func time(_ text: String) -> Timestamp {
    guard let timestamp = Timestamp.parse(text) else { fatalError("bad test timestamp \(text)") }
    return timestamp
}

func time(_ base: Timestamp, plus seconds: Int64) -> Timestamp {
    Timestamp(millisecondsSince1970: base.millisecondsSince1970 + seconds * 1000)
}

/// 32 A on three phases (32 × 230 × 3): a connector's rating that shows as exactly 32.0 A.
let rated32A = 22_080.0

func period(_ startPeriod: Int, _ limit: Double, phases: Int? = nil) -> ChargingSchedulePeriod {
    ChargingSchedulePeriod(startPeriod: startPeriod, limit: limit, numberPhases: phases)
}

/// Composite periods as the engine reports them: phases explicit, 3 unless said otherwise.
func composite(_ periods: (Int, Double)..., phases: Int = 3) -> [ChargingSchedulePeriod] {
    periods.map { ChargingSchedulePeriod(startPeriod: $0.0, limit: $0.1, numberPhases: phases) }
}

func profile(
    id: Int, stackLevel: Int = 0, purpose: ChargingProfilePurpose = .txDefaultProfile,
    kind: ChargingProfileKind = .absolute, recurrency: RecurrencyKind? = nil, transactionId: Int? = nil,
    validFrom: Timestamp? = nil, validTo: Timestamp? = nil, startSchedule: Timestamp? = t0, duration: Int? = nil,
    unit: ChargingRateUnit = .amperes, periods: [ChargingSchedulePeriod]
) -> ChargingProfile {
    ChargingProfile(
        chargingProfileId: id, transactionId: transactionId, stackLevel: stackLevel,
        chargingProfilePurpose: purpose, chargingProfileKind: kind, recurrencyKind: recurrency,
        validFrom: validFrom, validTo: validTo,
        chargingSchedule: ChargingSchedule(
            duration: duration, startSchedule: kind == .relative ? nil : startSchedule, chargingRateUnit: unit,
            chargingSchedulePeriod: periods))
}

let generousLimits = SmartChargingLimits(
    chargeProfileMaxStackLevel: 10, chargingScheduleMaxPeriods: 24, maxChargingProfilesInstalled: 20,
    allowedChargingRateUnits: [.amperes, .watts])

/// Two connectors; transaction 42 runs on connector 1, connector 2 is idle.
let context = InstallContext(
    numberOfConnectors: 2, runningTransactions: [1: RunningTransaction(transactionId: 42)], limits: generousLimits)

/// Installs every entry or fails the test, for scenarios whose subject is not installation.
func installing(_ entries: [(connectorId: Int, profile: ChargingProfile)]) -> ChargingProfiles {
    var profiles = ChargingProfiles()
    for entry in entries {
        let outcome = profiles.install(entry.profile, on: entry.connectorId, context: context)
        if outcome != .accepted {
            Issue.record("fixture profile \(entry.profile.chargingProfileId) refused: \(outcome)")
        }
    }
    return profiles
}
