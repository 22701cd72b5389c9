import EngineSupport
import OCPP201

/// What is stored of an EVSE's hardware: the cable and the meter's register (with the ceiling the simulated
/// register may not pass, as `Meter` explains).
public struct EVSERecord: Codable, Sendable, Equatable {
    public var id: Int
    public var plugged: Bool
    public var energyWh: Double
    public var ceilingWh: Double
    /// The register is fed through the API by a real meter rather than simulated.
    public var externalMeter: Bool
    /// The power the EV draws while energy is offered.
    public var demandW: Double
    /// A fault the hardware side reported, until it is cleared.
    public var fault: String?
}

/// A token presented for an EVSE that has not (yet) authorized a transaction there: the CSMS is asked, or the
/// cable is awaited (TxStartPoint PowerPathClosed with no EV yet).
struct PendingAuthorization: Sendable, Equatable {
    enum Origin: Sendable, Equatable {
        /// `POST …/start`: the caller waits for the transaction.
        case api(ReplyID)
        /// RequestStartTransaction.
        case remote(remoteStartId: Int)
    }

    var idToken: IdToken
    var origin: Origin
    /// False while the CSMS's Authorize answer is awaited.
    var authorized: Bool
    /// EVConnectionTimeOut: when an authorization that waits for the cable is given up [E03.FR.05].
    var expiresAt: Duration?
    /// The token's group as RequestStartTransaction gave it, for the reservations that admit a group.
    var groupIdToken: IdToken?
    /// The reservation the token claims here: used up once the token is authorized, its id in the event that
    /// authorization goes into [H01.FR.15, H03.FR.09].
    var reservationId: Int?
}

/// One EVSE (with its one connector): the hardware, the transaction running on it, and the authorization
/// waiting to start one. The connector's status and the transaction's chargingState are derived from this.
struct EVSEState: Sendable, Equatable {
    let id: Int
    var plugged: Bool
    var fault: String?
    var meter: Meter
    var transaction: TransactionRecord?
    var pending: PendingAuthorization?
    /// The next TxUpdatedInterval and TxEndedInterval samples.
    var nextUpdatedSampleAt: Duration?
    var nextEndedSampleAt: Duration?
    /// A transaction begun with no EV (TxStartPoint Authorized) ends if none comes by then [E03.FR.05].
    var connectionDeadline: Duration?
    /// A Reset OnIdle of this EVSE waits for its transaction to end.
    var resetWhenIdle = false
    /// What the charging profiles allow now, in W; nil when nothing limits the EVSE [K01].
    var limitW: Double?

    init(record: EVSERecord, transaction: TransactionRecord?) {
        id = record.id
        plugged = record.plugged
        fault = record.fault
        // A register that may have shown up to its stored ceiling before the restart resumes there.
        let resumed = max(record.energyWh, record.ceilingWh)
        meter = Meter(energyWh: resumed, demandW: record.demandW, external: record.externalMeter, ceilingWh: resumed)
        self.transaction = transaction
    }

    var record: EVSERecord {
        EVSERecord(
            id: id, plugged: plugged, energyWh: meter.energyWh, ceilingWh: meter.ceilingWh,
            externalMeter: meter.external, demandW: meter.demandW, fault: fault)
    }

    /// Energy is offered: a transaction runs with an authorization in force, the cable is in, and the EVSE
    /// has not suspended it.
    var offersEnergy: Bool {
        guard let transaction else { return false }
        return plugged && transaction.authorized && !transaction.suspendedByEVSE
    }

    /// What the EV draws, within the limit in force.
    var powerW: Double { offersEnergy ? min(meter.demandW, limitW ?? .infinity) : 0 }

    /// [E01.FR.20] with what the station can see: the cable, whether energy is offered, whether it is taken.
    var chargingState: ChargingState {
        guard plugged else { return .idle }
        guard let transaction, transaction.authorized else { return .evConnected }
        if transaction.suspendedByEVSE || limitW == 0 { return .suspendedEVSE }
        return meter.demandW > 0 ? .charging : .suspendedEV
    }

    /// Occupied while an EV is connected or a transaction runs [G01].
    var isOccupied: Bool { plugged || transaction != nil }
}
