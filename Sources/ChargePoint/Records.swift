import OCPP16
import SmartCharging

/// What survives a restart. The engine owns these values; the store only writes and reads them back,
/// so everything the CSMS or an API caller was told can be rebuilt after a SIGKILL.

public struct ConnectorRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var plugged: Bool
    /// The energy register in Wh. It never decreases ([CORE] §7.31), also not across restarts.
    public var energyWh: Double
    /// True once a real meter feeds the register through the API: the simulator then stops integrating.
    public var externalMeter: Bool
    /// A hardware fault reported through the API; it lasts until cleared, also across restarts.
    public var errorCode: ChargePointErrorCode
    public var errorInfo: CiString<50>?
    /// ChangeAvailability's verdict, kept across reboots ([CORE] §5.2).
    public var operative: Bool
    /// A change that waits for the running transaction to end ("Scheduled").
    public var scheduledAvailability: AvailabilityType?
    public var reservation: Reservation?
    /// A transaction ended while the cable stayed in: Finishing until it is pulled, also after a reboot.
    public var finishing: Bool
    /// The simulated register shows no more than this until a higher ceiling is stored, and resumes here
    /// after a restart: so it never shows less than it showed before a power cut (see `Meter`).
    public var energyCeilingWh: Double?

    public init(
        id: Int, plugged: Bool = false, energyWh: Double = 0, externalMeter: Bool = false,
        errorCode: ChargePointErrorCode = .noError, errorInfo: CiString<50>? = nil, operative: Bool = true,
        scheduledAvailability: AvailabilityType? = nil, reservation: Reservation? = nil, finishing: Bool = false,
        energyCeilingWh: Double? = nil
    ) {
        self.energyCeilingWh = energyCeilingWh
        self.reservation = reservation
        self.finishing = finishing
        self.id = id
        self.plugged = plugged
        self.energyWh = energyWh
        self.externalMeter = externalMeter
        self.errorCode = errorCode
        self.errorInfo = errorInfo
        self.operative = operative
        self.scheduledAvailability = scheduledAvailability
    }
}

public struct TransactionRecord: Codable, Sendable, Equatable {
    /// Our own handle, known from the first instant, unlike the CSMS id.
    public var localId: Int
    public var connectorId: Int
    public var idTag: IdToken
    public var meterStart: Int
    public var startedAt: Timestamp
    /// The CSMS-assigned id: nil until StartTransaction.conf arrives, -1 when it could not be delivered
    /// ([CORE] §3.7: later messages then carry -1).
    public var transactionId: Int?
    /// What the CSMS said of the idTag in StartTransaction.conf.
    public var startAuthorization: AuthorizationStatus?
    public var meterStop: Int?
    public var stoppedAt: Timestamp?
    public var stopReason: Reason?
    /// Readings of StopTxnSampledData kept for StopTransaction.transactionData, the Transaction.Begin one first.
    public var stopTransactionData: [MeterValue]

    public var isActive: Bool { stoppedAt == nil }

    public init(localId: Int, connectorId: Int, idTag: IdToken, meterStart: Int, startedAt: Timestamp) {
        self.localId = localId
        self.connectorId = connectorId
        self.idTag = idTag
        self.meterStart = meterStart
        self.startedAt = startedAt
        stopTransactionData = []
    }
}

/// What concerns the charge point as a whole (connector 0).
public struct StationRecord: Codable, Sendable, Equatable {
    public var operative: Bool
    /// A reservation of "any connector" (ReserveNow on connector 0).
    public var reservation: Reservation?
    /// The version an installed update reported; BootNotification carries it from then on.
    public var firmwareVersion: CiString<50>?
    /// Installed was not yet reported: the CSMS learns it after the reboot ([CORE] §5.19).
    public var firmwareInstalledUnreported: Bool
    /// The SignedUpdateFirmware request that installation answered, whose requestId Installed carries.
    public var firmwareRequestId: Int?

    public init(
        operative: Bool = true, reservation: Reservation? = nil, firmwareVersion: CiString<50>? = nil,
        firmwareInstalledUnreported: Bool = false, firmwareRequestId: Int? = nil
    ) {
        self.firmwareRequestId = firmwareRequestId
        self.operative = operative
        self.reservation = reservation
        self.firmwareVersion = firmwareVersion
        self.firmwareInstalledUnreported = firmwareInstalledUnreported
    }
}

/// ReserveNow's promise: only this idTag (or one with the same parent) may start here until expiryDate.
public struct Reservation: Codable, Sendable, Equatable {
    public var id: Int
    public var idTag: IdToken
    public var parentIdTag: IdToken?
    public var expiryDate: Timestamp

    public init(id: Int, idTag: IdToken, parentIdTag: IdToken?, expiryDate: Timestamp) {
        self.id = id
        self.idTag = idTag
        self.parentIdTag = parentIdTag
        self.expiryDate = expiryDate
    }

    /// Whether a driver presenting `idTag` (whose parent the CSMS or the local list may have told) may
    /// use the reservation ([CORE] §5.13).
    func admits(_ idTag: IdToken, parent: IdToken?) -> Bool {
        if idTag.equalsIgnoringCase(self.idTag) { return true }
        guard let parentIdTag, let parent else { return false }
        return parent.equalsIgnoringCase(parentIdTag)
    }
}

/// A transaction-related message as queued: the CSMS transaction id is filled in when it is sent,
/// because it may not be known yet when the message is created.
public enum TransactionMessage: Codable, Sendable, Equatable {
    case start(StartTransactionRequest)
    case meterValues(connectorId: Int, meterValue: [MeterValue])
    case stop(idTag: IdToken?, meterStop: Int, timestamp: Timestamp, reason: Reason?, transactionData: [MeterValue]?)
    /// Not transaction-related, but delivered with the same guarantee ([SEC] A04); transaction 0.
    case securityEvent(SecurityEventNotificationRequest)

    public var action: Action {
        switch self {
        case .start: .startTransaction
        case .meterValues: .meterValues
        case .stop: .stopTransaction
        case .securityEvent: .securityEventNotification
        }
    }
}

public struct QueuedMessage: Codable, Sendable, Equatable {
    /// Delivery order: increasing, never reused.
    public var sequence: Int
    public var transactionLocalId: Int
    public var message: TransactionMessage
    /// Delivery attempts that failed (CALLERROR or no answer in time while connected).
    public var failedAttempts: Int

    public init(sequence: Int, transactionLocalId: Int, message: TransactionMessage, failedAttempts: Int = 0) {
        self.sequence = sequence
        self.transactionLocalId = transactionLocalId
        self.message = message
        self.failedAttempts = failedAttempts
    }
}

/// One change to durable state. A batch of them is committed in one SQLite transaction before any frame or
/// API answer that depends on it leaves the process.
public enum StoreChange: Sendable, Equatable {
    case saveStation(StationRecord)
    case saveConnector(ConnectorRecord)
    case saveTransaction(TransactionRecord)
    case deleteTransaction(localId: Int)
    case enqueue(QueuedMessage)
    case updateQueued(QueuedMessage)
    case dequeue(sequence: Int)
    case saveConfiguration(key: String, value: String)
    case saveLocalList(LocalAuthorizationList)
    case saveCacheEntry(AuthorizationCache.Entry)
    case deleteCacheEntry(IdToken)
    case clearCache
    case saveChargingProfiles(ChargingProfiles)
    case saveSecurity(SecurityRecord)
    /// Appended to the security log, which keeps the most recent `ChargePointEngine.securityLogCapacity`.
    case appendSecurityEvent(SecurityEvent)
}

/// Everything the store hands back at start-up.
public struct PersistedState: Sendable, Equatable {
    public var configuration: [String: String]
    public var station: StationRecord
    public var connectors: [ConnectorRecord]
    /// Active transactions and the most recent finished ones.
    public var transactions: [TransactionRecord]
    /// Undelivered transaction messages in delivery order.
    public var queue: [QueuedMessage]
    public var localList: LocalAuthorizationList
    public var cache: [AuthorizationCache.Entry]
    public var chargingProfiles: ChargingProfiles
    public var security: SecurityRecord
    /// The security log, oldest first.
    public var securityEvents: [SecurityEvent]

    public init(
        configuration: [String: String] = [:], station: StationRecord = StationRecord(),
        connectors: [ConnectorRecord] = [], transactions: [TransactionRecord] = [], queue: [QueuedMessage] = [],
        localList: LocalAuthorizationList = LocalAuthorizationList(), cache: [AuthorizationCache.Entry] = [],
        chargingProfiles: ChargingProfiles = ChargingProfiles(), security: SecurityRecord = SecurityRecord(),
        securityEvents: [SecurityEvent] = []
    ) {
        self.security = security
        self.securityEvents = securityEvents
        self.chargingProfiles = chargingProfiles
        self.localList = localList
        self.cache = cache
        self.configuration = configuration
        self.station = station
        self.connectors = connectors
        self.transactions = transactions
        self.queue = queue
    }
}

/// Saved whenever a transaction changes (its CSMS id, its stop, its sampled data): written directly.
extension TransactionRecord: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("localId", localId)
        object.member("connectorId", connectorId)
        object.member("idTag", idTag)
        object.member("meterStart", meterStart)
        object.member("startedAt", startedAt)
        object.member("transactionId", transactionId)
        object.member("startAuthorization", startAuthorization)
        object.member("meterStop", meterStop)
        object.member("stoppedAt", stoppedAt)
        object.member("stopReason", stopReason)
        object.member("stopTransactionData", stopTransactionData)
    }
}
