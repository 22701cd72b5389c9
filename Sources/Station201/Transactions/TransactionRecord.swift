import EngineSupport
import OCPP201

/// One transaction as the station keeps it, from its first TransactionEvent to its last: what the API shows
/// and what a restart resumes from. Persisted after every change, before the event that reports it is sent.
public struct TransactionRecord: Codable, Sendable, Equatable {
    /// Made by the station, never reused [E01.FR.08]: a UUID.
    public var id: String
    public var evseId: Int
    public var startedAt: Timestamp
    public var meterStartWh: Double
    /// The token that authorized it, once one did.
    public var idToken: IdToken?
    /// What the CSMS last said of that token (a TransactionEvent's idTokenInfo), or the local decision.
    public var tokenStatus: AuthorizationStatus?
    /// The RequestStartTransaction that began it [F01.FR.25].
    public var remoteStartId: Int?
    /// The seqNo of the next event: 0 at Started, one more per event, never a gap [P2 E §1.3.2].
    public var nextSeqNo: Int = 0
    /// The chargingState the CSMS last heard.
    public var chargingState: ChargingState
    /// An authorization is in force (TxStopPoint Authorized ends the transaction when it ends).
    public var authorized: Bool
    /// The cable was in at some point of this transaction (TxStopPoint EVConnected ends it when it comes out).
    public var evConnected: Bool
    /// Energy flowed at some point (TxStopPoint EnergyTransfer ends it when it stops).
    public var energyTransferred = false
    /// The EVSE offers no energy although the transaction goes on: the token was refused, or a remote stop
    /// came while no stop point ended [E05.FR.09, F03.FR.03].
    public var suspendedByEVSE = false
    /// TxEndedMeasurands sampled since the start (Transaction.Begin first, every TxEndedInterval after).
    public var endedMeterValues: [MeterValue] = []
    public var ended: Ending?
    /// What it costs so far (CostUpdated), or in all (the answer to the Ended event), in
    /// `TariffCostCtrlr.Currency` [I02, I03, I05].
    public var totalCost: Double?
    /// True once the answer to the Ended event gave the total cost; until then `totalCost` is a running one.
    /// Optional so that records written before it was kept still read.
    public var totalCostIsFinal: Bool?
    /// The last message the CSMS gave the driver of this transaction (the tariff in the token's idTokenInfo,
    /// or an updatedPersonalMessage) [I01, I06].
    public var personalMessage: String?

    public struct Ending: Codable, Sendable, Equatable {
        public var at: Timestamp
        public var reason: Reason
        public var meterStopWh: Double
    }

    public var isOngoing: Bool { ended == nil }
}

/// A `POST …/start` caller waiting for the CSMS's answer to the event that carries its token.
struct AwaitedAnswer: Sendable, Equatable {
    var reply: ReplyID
    var transactionId: String
    /// MessageTimeout after the event was queued: the caller then hears 202 rather than wait for a backlog.
    var deadline: Duration
}

/// What TxStartPoint and TxStopPoint can name on this station ([E01], [P2] E §1.1). There is no parking bay
/// sensor and no signed meter, so ParkingBayOccupancy and DataSigned are not offered.
enum TxPoint: String, CaseIterable, Sendable {
    case evConnected = "EVConnected"
    case authorized = "Authorized"
    case powerPathClosed = "PowerPathClosed"
    case energyTransfer = "EnergyTransfer"
}

/// What set a transaction step in motion: the event's triggerReason, and the stoppedReason should it end
/// the transaction.
struct TransactionCause: Sendable, Equatable {
    var trigger: TriggerReason
    var stoppedReason: Reason

    static let cablePluggedIn = TransactionCause(trigger: .cablePluggedIn, stoppedReason: .local)
    static let evDisconnected = TransactionCause(trigger: .evCommunicationLost, stoppedReason: .evDisconnected)
    static let authorized = TransactionCause(trigger: .authorized, stoppedReason: .local)
    static let remoteStart = TransactionCause(trigger: .remoteStart, stoppedReason: .remote)
    static let localStop = TransactionCause(trigger: .stopAuthorized, stoppedReason: .local)
    static let remoteStop = TransactionCause(trigger: .remoteStop, stoppedReason: .remote)
    static let deauthorized = TransactionCause(trigger: .deauthorized, stoppedReason: .deAuthorized)
    static let chargingStateChanged = TransactionCause(trigger: .chargingStateChanged, stoppedReason: .stoppedByEV)
    static let evConnectTimeout = TransactionCause(trigger: .evConnectTimeout, stoppedReason: .timeout)
    static let immediateReset = TransactionCause(trigger: .resetCommand, stoppedReason: .immediateReset)
    static let powerLoss = TransactionCause(trigger: .abnormalCondition, stoppedReason: .powerLoss)
}
