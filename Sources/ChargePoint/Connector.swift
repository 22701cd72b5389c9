import EngineSupport
import OCPP16

/// A start that waits for something before its transaction can begin: the CSMS's Authorize.conf or the cable.
struct PendingStart: Sendable, Equatable {
    enum Origin: Sendable, Equatable {
        case api(ReplyID)
        case remote
    }
    var idTag: IdToken
    var origin: Origin
    var authorized: Bool
    /// RemoteStartTransaction's TxProfile, installed when the transaction begins.
    var chargingProfile: ChargingProfile?
    /// Learnt with the authorization; a reservation for the parent admits its children.
    var parentIdTag: IdToken?
    /// ConnectionTimeOut: when a start that waits for the cable is given up.
    var expiresAt: Duration?
}

/// One connector's physical and session state. Its OCPP status is derived from this, never stored, so
/// status and state cannot disagree.
struct Connector: Sendable, Equatable {
    let id: Int
    var plugged: Bool
    var meter: Meter
    var transactionLocalId: Int?
    var pendingStart: PendingStart?
    /// The last transaction ended while the cable stayed in.
    var finishing = false
    /// The CSMS refused the idTag and StopTransactionOnInvalidId is false: the EVSE offers no energy.
    var suspendedByEVSE = false
    /// The register value at which the EVSE suspends, while MaxEnergyOnInvalidId still lets energy flow.
    var energyCapWh: Double?
    /// What the charging profiles allow now, in W; nil without a limit.
    var limitW: Double?
    var errorCode: ChargePointErrorCode
    var errorInfo: CiString<50>?
    var operative: Bool
    var scheduledAvailability: AvailabilityType?
    var reservation: Reservation?
    var nextSampleAt: Duration?

    init(record: ConnectorRecord, simulatedPowerW: Double) {
        id = record.id
        plugged = record.plugged
        // A register that may have shown up to its stored ceiling before the restart resumes there.
        let resumed = max(record.energyWh, record.energyCeilingWh ?? record.energyWh)
        meter = Meter(energyWh: resumed, demandW: simulatedPowerW, external: record.externalMeter, ceilingWh: resumed)
        errorCode = record.errorCode
        errorInfo = record.errorInfo
        operative = record.operative
        scheduledAvailability = record.scheduledAvailability
        reservation = record.reservation
        finishing = record.finishing
    }

    var record: ConnectorRecord {
        ConnectorRecord(
            id: id, plugged: plugged, energyWh: meter.energyWh, externalMeter: meter.external, errorCode: errorCode,
            errorInfo: errorInfo, operative: operative, scheduledAvailability: scheduledAvailability,
            reservation: reservation, finishing: finishing,
            energyCeilingWh: meter.ceilingWh > meter.energyWh ? meter.ceilingWh : nil)
    }

    var isFaulted: Bool { errorCode != .noError }

    var isDelivering: Bool {
        transactionLocalId != nil && plugged && !suspendedByEVSE
    }

    var powerW: Double { isDelivering ? min(meter.demandW, limitW ?? .infinity) : 0 }

    var isBusy: Bool { transactionLocalId != nil || pendingStart != nil }

    /// Can take a new session now.
    var isFree: Bool { !isBusy && !isFaulted && operative }

    var status: ChargePointStatus {
        if isFaulted { return .faulted }
        if !operative { return .unavailable }
        if transactionLocalId != nil {
            if suspendedByEVSE || limitW == 0 { return .suspendedEVSE }
            return plugged && meter.demandW > 0 ? .charging : .suspendedEV
        }
        // Matched rather than compared with nil: asked several times per input, and `!= nil` on these
        // Equatable optionals copied them.
        if case .some = pendingStart { return .preparing }
        if plugged { return finishing ? .finishing : .preparing }
        if case .some = reservation { return .reserved }
        return .available
    }
}
