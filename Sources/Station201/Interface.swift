import EngineSupport
import OCPP201

public enum Input: Sendable {
    /// The websocket is being (re)established.
    case linkConnecting
    case linkUp
    case linkDown(reason: String)
    case received(String)
    /// The deadline reported by `nextDeadline` has passed.
    case tick
    case command(Command, ReplyID)
    /// A connection attempt failed for a security reason: the event the security log and the CSMS get.
    case securityFailure(SecurityEventType, detail: String)
    /// A file transfer, signature check or installation the engine asked for has ended.
    case jobFinished(id: Int, JobOutcome)
}

/// What the runtime must do, in order. `persist` always precedes the sends and replies that depend on it.
public enum Effect: Sendable, Equatable {
    case persist([StoreChange])
    case send(String)
    case reply(ReplyID, CommandResult)
    case setPingInterval(seconds: Int)
    /// The waits between reconnection attempts from now on.
    case setReconnectBackoff(ReconnectBackoff)
    /// Something an observer (the event stream, metrics) may want to see; nothing depends on its delivery.
    case publish(Notification)
    /// Reboot: drop the link and start a new engine from what is persisted, as a power cycle would.
    case restart
    /// Connect to this CSMS (the identity is appended) with these credentials, leaving the current
    /// connection: the next network profile after failed attempts, or a new Basic-auth password [A01].
    case useCSMS(String, LinkSecurity)
    /// Credentials for the next connection, keeping the current one (a CSMS root installed or deleted).
    case updateLinkSecurity(LinkSecurity)
    /// Start a job; its end comes back as `Input.jobFinished`.
    case start(Job)
    /// Stop a job the engine no longer waits for (a superseded update or upload); its outcome is ignored.
    case cancel(jobId: Int)
}

/// [P4] §5.3: the waits between reconnection attempts, from the RetryBackOff* variables (seconds).
public struct ReconnectBackoff: Sendable, Equatable {
    public var waitMinimum: Int
    public var randomRange: Int
    public var repeatTimes: Int
}

/// A change the store must hold before anything that depends on it leaves the process.
public enum StoreChange: Sendable, Equatable {
    /// A stored variable's new value, in its canonical wire form.
    case variable(VariableAddress, String)
    /// Whether the station, an EVSE or a connector is operative (ChangeAvailability survives reboots).
    case availability(AvailabilityTarget, operative: Bool)
    /// Why the next start is a boot: what the next BootNotification's `reason` says.
    case bootReason(BootReason)
    /// The local authorization list as SendLocalList left it, replacing the stored one.
    case localList(LocalAuthorizationList)
    /// An authorization cache entry, added or replacing the token's earlier one.
    case cacheEntry(AuthorizationCacheEntry)
    /// A network connection profile stored by SetNetworkProfile.
    case networkProfile(slot: Int, NetworkConnectionProfile)
    /// A stored network profile deleted: a lower security profile than the one the station now connects
    /// with [A05.FR.06].
    case networkProfileRemoved(slot: Int)
    /// The cache no longer holds this token (evicted, or superseded by an answer not to be cached).
    case cacheEntryRemoved(IdTokenKey)
    /// ClearCache emptied the cache.
    case cacheCleared
    /// An EVSE's cable and meter register.
    case evse(EVSERecord)
    /// A transaction's state, added or replacing its earlier one.
    case transaction(TransactionRecord)
    /// An ended transaction the API no longer lists.
    case transactionRemoved(String)
    /// A TransactionEvent waiting for delivery, added or with its attempts counted.
    case transactionEventQueued(QueuedTransactionEvent)
    /// Delivered, or discarded after its attempts.
    case transactionEventRemoved(Int)
    /// A display message set by SetDisplayMessage, added or replacing the one with its id.
    case displayMessage(MessageInfo)
    /// A display message cleared, displaced, run out or left behind by its transaction.
    case displayMessageRemoved(Int)
    /// A security log entry, added or marked delivered; the store keeps the newest
    /// `StationEngine.securityLogCapacity`.
    case securityLogEntry(SecurityLogEntry)
    /// A reservation made or replaced by ReserveNow.
    case reservation(Reservation)
    /// A reservation used, cancelled, removed or expired.
    case reservationRemoved(Int)
    /// A root certificate InstallCertificate installed.
    case installedCertificate(InstalledCertificate)
    /// An installed root DeleteCertificate removed.
    case installedCertificateRemoved(InstalledCertificate)
    /// The station certificate the CSMS signed, replacing the one it signed before.
    case stationCertificate(SignedStationCertificate)
    /// The CSR waiting for its certificate, with its key; nil once the certificate came or the CSMS refused.
    case pendingCertificateRequest(PendingCertificateRequest?)
    /// The installed charging profiles, replacing the stored ones.
    case chargingProfiles([StationChargingProfile])
    /// The variable monitors and the monitoring base, replacing the stored ones.
    case monitors(VariableMonitors)
    /// A notification that outlives a restart until the CSMS answers it (`Outbox.storedActions`).
    case notification(StoredNotification)
    /// Answered, or given up after a CALLERROR or a timeout.
    case notificationDelivered(Int)
    /// The firmware update in progress or last ended (block L), replacing the stored one.
    case firmwareUpdate(FirmwareUpdateRecord)
}

/// What ChangeAvailability addresses: the whole station, one EVSE, or one connector of an EVSE.
public enum AvailabilityTarget: Sendable, Hashable {
    case station
    case evse(Int)
    case connector(evseId: Int, connectorId: Int)
}

/// Requests from the local API.
public enum Command: Sendable, Equatable {
    case station
    case connectors
    /// Every variable with its value (WriteOnly ones without).
    case variables
    case variable(VariableAddress)
    case setVariable(VariableAddress, value: String)
    /// Everything an event-stream client needs to start from.
    case snapshot
    /// What the station answers for this token: from the local list or the cache when they may decide,
    /// otherwise from the CSMS (AuthorizeRequest).
    case authorize(IdToken)
    /// The hardware side: the EV's cable in or out of an EVSE.
    case plug(evseId: Int)
    case unplug(evseId: Int)
    /// A real meter's register (which then stops being simulated) and the power the EV draws.
    case setMeter(evseId: Int, energyWh: Double?, powerW: Double?)
    /// A driver presents a token at the EVSE, plugging the EV in first if it is not and `plugIn` says so:
    /// answered once the transaction it starts (or authorizes) is accepted by the CSMS, or at once while the
    /// CSMS is out of reach, or when the start points wait for more (the cable).
    case start(evseId: Int, IdToken, plugIn: Bool = true)
    /// The driver ends the authorization of the EVSE's transaction.
    case stop(evseId: Int, reason: Reason)
    case transactions(limit: Int)
    case transaction(id: String)
    /// What the CSMS could ask, asked locally: the answer is the status the CSMS would have got.
    case reset(ResetEnumType)
    case trigger(MessageTrigger, evseId: Int?)
    /// nil: the whole station.
    case changeAvailability(evseId: Int?, OperationalStatus)
    case unlock(evseId: Int)
    /// The hardware side: a fault of the EVSE (its connector turns Faulted; a transaction ends), or nil to
    /// clear it. The text is what the operator calls the fault (1.6's error codes are welcome).
    case fault(evseId: Int, String?)
    case localList
    /// What the display shows now, and every stored message.
    case display
    /// The reservations in force.
    case reservations
    /// The security log, oldest first.
    case securityEvents
    /// The hardware side: an event this software cannot see for itself (tamper detection, a clock set by
    /// hand, memory exhaustion), logged and sent like every security event.
    case reportSecurityEvent(SecurityEventType, techInfo: String?)
    /// The installed charging profiles, the CSMS's and the station's external constraints.
    case chargingProfiles
    /// The variable monitors and what decides which of them raise events.
    case monitoring
    /// What GetCompositeSchedule would answer for the EVSE (0: the station) from now.
    case compositeSchedule(evseId: Int, duration: Int, unit: ChargingRateUnit)
    /// An energy management system's limit on the EVSE (0: the station) in W, or nil to release it [K11–K13].
    case setExternalLimit(evseId: Int, limitW: Double?)
    /// The firmware update and the log upload in progress, as `GET /firmware` shows them.
    case fileTransfers
}

public enum CommandResult: Sendable, Equatable {
    case station(StationSnapshot)
    case connectors([ConnectorSnapshot])
    case variables([VariableSnapshot])
    case variable(VariableSnapshot)
    /// A write was stored; `rebootRequired` when it applies only after the next boot.
    case variableSet(VariableSnapshot, rebootRequired: Bool)
    case snapshot(EngineSnapshot)
    case authorization(AuthorizationAnswer)
    case connector(ConnectorSnapshot)
    /// `confirmed`: the CSMS accepted it; otherwise its events wait for delivery.
    case transactionStarted(TransactionSnapshot, confirmed: Bool)
    case transaction(TransactionSnapshot)
    case transactions([TransactionSnapshot])
    /// The status of an OCPP answer the station gave the local request (Accepted, Scheduled, Unlocked…).
    case status(String)
    case localList(LocalAuthorizationList)
    case display(DisplaySnapshot)
    /// In the order they were made.
    case reservations([Reservation])
    case securityEvents([SecurityLogEntry])
    case securityEvent(SecurityLogEntry)
    case chargingProfiles([StationChargingProfile])
    case monitoring(MonitoringSnapshot)
    case compositeSchedule(CompositeSchedule)
    case externalLimit(evseId: Int, limitW: Double?)
    case fileTransfers(FileTransfersSnapshot)
    case failed(CommandFailure)
}

/// The station, its connectors and its variables at one instant.
public struct EngineSnapshot: Sendable, Equatable {
    public var station: StationSnapshot
    public var connectors: [ConnectorSnapshot]
    /// Ongoing and recent transactions, as `GET /transactions` lists them.
    public var transactions: [TransactionSnapshot]
    public var variables: [VariableSnapshot]
}

public enum CommandFailure: Error, Sendable, Equatable {
    case unknownComponent(ComponentAddress)
    case unknownVariable(VariableAddress)
    case refused(VariableAddress, ValueRefusal)
    /// The CSMS cannot be asked: the link is down.
    case offline
    /// The link is up but the CSMS has not accepted the station (nil: no BootNotification answer yet).
    case notRegistered(RegistrationStatus?)
    case centralSystemError(code: String, description: String)
    /// No answer within MessageTimeout.
    case centralSystemTimeout
    /// The station rebooted (Reset) before it could answer.
    case restarted
    case unknownEVSE(Int)
    case unknownTransaction(String)
    /// A transaction or an authorization already holds the EVSE.
    case evseBusy(evseId: Int, ConnectorStatus)
    /// Unavailable or Faulted: no new session.
    case evseUnavailable(evseId: Int, ConnectorStatus)
    /// A reservation holds the EVSE for another token or group.
    case evseReserved(evseId: Int)
    case noTransaction(evseId: Int)
    /// The CSMS (or the local list or cache) refused the token.
    case tokenRefused(AuthorizationStatus)
    /// Offline, the token is unknown to the local list and the cache.
    case unknownTokenOffline
    case meterWouldDecrease(currentWh: Double, requestedWh: Double)
    /// SmartChargingCtrlr.ExternalControlSignalsEnabled is false: no external limit is taken.
    case externalControlDisabled
    /// The data folder refuses writes; the station holds what it decided until it can store it.
    case storageUnavailable(String)
}

public struct StationSnapshot: Sendable, Equatable {
    public var identity: String
    /// The websocket URL of the network profile in use, the identity appended.
    public var csmsURL: String
    public var link: LinkState
    public var registration: RegistrationStatus?
    public var heartbeatInterval: Int
    public var uptime: Duration
    public var firmwareVersion: String?
    public var evseCount: Int
    /// TransactionEvents waiting for delivery.
    public var queuedMessages: Int
}

public struct ConnectorSnapshot: Sendable, Equatable {
    public var evseId: Int
    public var connectorId: Int
    public var status: ConnectorStatus
    /// The fault the hardware side reported; nil without one.
    public var fault: String?
    public var plugged: Bool
    public var energyWh: Double
    public var powerW: Double
    /// The limit the charging profiles and external constraints put on the EVSE now, in W; nil when none does.
    public var limitW: Double?
    public var transaction: TransactionSnapshot?
    /// A driver is authorized here (RequestStartTransaction, say) and the cable is not in yet.
    public var awaitingCable = false
}

/// What happened to a transaction: an event queued for it (started, updated, ended), or its last event
/// delivered, so that nothing of it waits any more.
public enum TransactionStep: String, Sendable, Equatable {
    case started, updated, ended, delivered
    /// The CSMS told its cost or a message for its driver.
    case costUpdated
}

public struct TransactionSnapshot: Sendable, Equatable {
    public var record: TransactionRecord
    /// Delivered so far (to the end, for an ended one).
    public var energyWh: Double
    /// Some of its events wait for delivery.
    public var pendingDelivery: Bool
    /// The currency of its cost: `TariffCostCtrlr.Currency`.
    public var currency: String
    /// The cost the driver is shown: the record's, unless `TariffCostCtrlr.Enabled[Cost]` is false.
    public var shownCost: Double?
    /// The message the driver is shown: the CSMS's, else the fallback message that applies [I01, I03].
    public var shownMessage: String?
}

public struct VariableSnapshot: Sendable, Equatable {
    public var descriptor: VariableDescriptor
    /// Nil for a WriteOnly variable.
    public var value: String?
}

/// A change worth showing live.
public enum Notification: Sendable, Equatable {
    case station(StationSnapshot)
    case connector(ConnectorSnapshot)
    /// An EVSE's meter while energy flows, every second.
    case meter(evseId: Int, energyWh: Double, powerW: Double, time: Timestamp)
    /// A transaction's step, with the transaction after it.
    case transaction(TransactionStep, TransactionSnapshot)
    case variable(VariableSnapshot)
    /// What the display shows changed (a message set, cleared, started, ended; the next one's turn).
    case display(DisplaySnapshot)
    /// Traffic facts for metrics, one per frame.
    case rpc(RPCEvent)
}

/// The firmware update and the log upload at one instant.
public struct FileTransfersSnapshot: Sendable, Equatable {
    /// What TriggerMessage(FirmwareStatusNotification) would report, and the request it is about.
    public var firmwareStatus: FirmwareStatus
    public var firmwareRequestId: Int?
    public var firmwareLocation: String?
    /// What TriggerMessage(LogStatusNotification) would report (Uploading or Idle), and the request.
    public var logStatus: UploadLogStatus
    public var logRequestId: Int?
    public var logFileName: String?
}

/// The station's display at one instant ([O01]–[O06]).
public struct DisplaySnapshot: Sendable, Equatable {
    /// DisplayMessageCtrlr Available and Enabled; false leaves the display blank.
    public var enabled: Bool
    /// The station state messages with a `state` are shown in.
    public var state: MessageState
    /// The message on the display now; nil when none is in force.
    public var shown: MessageInfo?
    /// The ids of the messages taking turns on the display, in turn order (one for an AlwaysFront message).
    public var cycle: [Int]
    /// Every stored message, by id.
    public var messages: [DisplayMessageSnapshot]
}

public struct DisplayMessageSnapshot: Sendable, Equatable {
    public var message: MessageInfo
    /// Started, not ended, its state holding and its transaction running: it may be shown now.
    public var inForce: Bool
}

public typealias RPCEvent = EngineSupport.RPCEvent<Action, RPCErrorCode>
