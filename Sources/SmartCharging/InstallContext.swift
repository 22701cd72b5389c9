import OCPP16

/// What the install rules need to know about the charge point beyond the installed profiles.
///
/// Passed in rather than stored because it changes under the store's feet (transactions start
/// and end, configuration keys are read-only but belong to the engine's configuration).
public struct InstallContext: Sendable, Equatable {
    /// Connectors are numbered 1...numberOfConnectors; 0 is the whole charge point ([CORE] §3.8).
    public var numberOfConnectors: Int
    /// The transaction running on each connector, keyed by connector id; a connector without an
    /// entry is idle. A TxProfile needs one ([CORE] §3.13).
    public var runningTransactions: [Int: RunningTransaction]
    public var limits: SmartChargingLimits

    public init(numberOfConnectors: Int, runningTransactions: [Int: RunningTransaction], limits: SmartChargingLimits) {
        self.numberOfConnectors = numberOfConnectors
        self.runningTransactions = runningTransactions
        self.limits = limits
    }
}

/// A transaction in progress on a connector.
public struct RunningTransaction: Sendable, Equatable {
    /// Nil while StartTransaction.conf is outstanding (offline start): the central system's id is
    /// not known yet, so no TxProfile naming an id can match it ([CORE] §5.16).
    public var transactionId: Int?

    public init(transactionId: Int?) {
        self.transactionId = transactionId
    }
}

/// The read-only SmartCharging configuration keys that bound what may be installed
/// (reference §5.2).
public struct SmartChargingLimits: Sendable, Equatable {
    /// `ChargeProfileMaxStackLevel`: the highest stackLevel accepted.
    public var chargeProfileMaxStackLevel: Int
    /// `ChargingScheduleMaxPeriods`: the most periods in one schedule.
    public var chargingScheduleMaxPeriods: Int
    /// `MaxChargingProfilesInstalled`: the most profiles installed at once, over all connectors.
    public var maxChargingProfilesInstalled: Int
    /// `ChargingScheduleAllowedChargingRateUnit`: `Current` is `.amperes`, `Power` is `.watts`.
    public var allowedChargingRateUnits: Set<ChargingRateUnit>

    public init(
        chargeProfileMaxStackLevel: Int, chargingScheduleMaxPeriods: Int, maxChargingProfilesInstalled: Int,
        allowedChargingRateUnits: Set<ChargingRateUnit>
    ) {
        self.chargeProfileMaxStackLevel = chargeProfileMaxStackLevel
        self.chargingScheduleMaxPeriods = chargingScheduleMaxPeriods
        self.maxChargingProfilesInstalled = maxChargingProfilesInstalled
        self.allowedChargingRateUnits = allowedChargingRateUnits
    }
}
