import OCPP16

/// The answer to SetChargingProfile (or to the profile in RemoteStartTransaction): `Accepted`, or
/// `Rejected` with the rule that failed, so the engine can log why ([CORE] §5.16, §5.11).
public enum InstallOutcome: Sendable, Equatable {
    case accepted
    case rejected(InstallRefusal)
}

/// Each rule a profile can break. The checks are libocpp's (reference §6.13, [EV]
/// smart_charging.cpp) plus the TxProfile rules of [CORE] §3.13, the period order of
/// [ERR] 3.45 and the RemoteStartTransaction rule of [CORE] §5.11.
public enum InstallRefusal: Sendable, Equatable, CustomStringConvertible {
    /// The connector id is negative or beyond the last connector.
    case unknownConnector(Int)
    /// stackLevel is negative or above `ChargeProfileMaxStackLevel`.
    case stackLevelOutOfRange(stackLevel: Int, maximum: Int)
    /// Installing would exceed `MaxChargingProfilesInstalled` (profiles it replaces do not count).
    case tooManyProfiles(maximum: Int)
    /// More periods than `ChargingScheduleMaxPeriods`.
    case tooManyPeriods(count: Int, maximum: Int)
    /// The unit is not in `ChargingScheduleAllowedChargingRateUnit`.
    case unitNotAllowed(ChargingRateUnit)
    /// The first period does not start at 0 ([ERR] 3.45), or there is no period.
    case firstPeriodNotAtZero
    /// A startPeriod is not after the one before it, so the periods do not describe one timeline.
    case periodsNotAscending(startPeriod: Int)
    /// numberPhases outside 1...3.
    case numberPhasesOutOfRange(Int)
    case negativeLimit(Double)
    /// Absolute and Recurring schedules are anchored on startSchedule.
    case missingStartSchedule(ChargingProfileKind)
    case missingRecurrencyKind
    /// A ChargePointMaxProfile limits the whole charge point, so it belongs on connector 0.
    case chargePointMaxProfileNotOnConnectorZero(Int)
    /// A ChargePointMaxProfile has no transaction to be relative to.
    case relativeChargePointMaxProfile
    /// A TxProfile belongs to a transaction, which runs on a connector, never on 0.
    case txProfileOnConnectorZero
    case noTransactionOnConnector(Int)
    /// The profile names a transaction other than the one running (nil: its id is not known yet).
    case transactionMismatch(profile: Int, running: Int?)
    /// RemoteStartTransaction carries only TxProfiles ([CORE] §5.11).
    case notTxProfile(ChargingProfilePurpose)
    /// RemoteStartTransaction's profile cannot name a transaction that does not exist yet.
    case transactionIdBeforeStart(Int)

    public var description: String {
        switch self {
        case .unknownConnector(let id): "connector \(id) does not exist"
        case .stackLevelOutOfRange(let level, let maximum): "stackLevel \(level) is outside 0...\(maximum)"
        case .tooManyProfiles(let maximum): "\(maximum) profiles are installed already (MaxChargingProfilesInstalled)"
        case .tooManyPeriods(let count, let maximum):
            "\(count) periods exceed ChargingScheduleMaxPeriods (\(maximum))"
        case .unitNotAllowed(let unit): "charging rate unit \(unit.rawValue) is not allowed"
        case .firstPeriodNotAtZero: "the first period must start at 0"
        case .periodsNotAscending(let start): "startPeriod \(start) does not follow the previous period"
        case .numberPhasesOutOfRange(let phases): "numberPhases \(phases) is outside 1...3"
        case .negativeLimit(let limit): "limit \(limit) is negative"
        case .missingStartSchedule(let kind): "a \(kind.rawValue) profile needs startSchedule"
        case .missingRecurrencyKind: "a Recurring profile needs recurrencyKind"
        case .chargePointMaxProfileNotOnConnectorZero(let id):
            "a ChargePointMaxProfile belongs on connector 0, not \(id)"
        case .relativeChargePointMaxProfile: "a ChargePointMaxProfile cannot be Relative"
        case .txProfileOnConnectorZero: "a TxProfile cannot be set on connector 0"
        case .noTransactionOnConnector(let id): "no transaction is running on connector \(id)"
        case .transactionMismatch(let profile, let running):
            "transaction \(profile) is not the one running (\(running.map(String.init) ?? "id not yet known"))"
        case .notTxProfile(let purpose): "RemoteStartTransaction needs a TxProfile, not \(purpose.rawValue)"
        case .transactionIdBeforeStart(let id): "transactionId \(id) given before the transaction started"
        }
    }
}
