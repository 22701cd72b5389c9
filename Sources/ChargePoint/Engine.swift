import Certificates
import DequeModule
import EngineSupport
import Logging
import OCPP16
import SmartCharging

/// Fixed facts about the station, from the command line.
public struct StationSettings: Sendable {
    public var identity: String
    public var connectorCount: Int
    public var bootNotification: BootNotificationRequest
    /// What a simulated EV draws while charging.
    public var simulatedPowerW: Double
    /// Applied over persisted values at every start: what the operator passes on the command line wins.
    public var configurationOverrides: [(key: String, value: String)]
    public var security: SecuritySettings

    public init(
        identity: String, connectorCount: Int, bootNotification: BootNotificationRequest,
        simulatedPowerW: Double = 11_000, configurationOverrides: [(key: String, value: String)] = [],
        security: SecuritySettings = SecuritySettings()
    ) {
        self.security = security
        self.identity = identity
        self.connectorCount = connectorCount
        self.bootNotification = bootNotification
        self.simulatedPowerW = simulatedPowerW
        self.configurationOverrides = configurationOverrides
    }
}

/// The OCPP 1.6 charge point as a deterministic state machine: inputs in, effects out. It never touches a
/// socket, a clock, a file or a thread, so every protocol rule can be tested with a fake clock.
public struct ChargePointEngine: Sendable {
    let settings: StationSettings
    public internal(set) var configuration: Configuration
    var logger: Logger

    var now: Now
    let startedAt: Duration
    var effects: [Effect] = []
    var pendingChanges: [StoreChange] = []
    var publications: [Effect] = []

    // Link and registration
    var link = LinkState.disconnected
    var registration: RegistrationStatus?
    var bootRetryAt: Duration?
    var heartbeatDueAt: Duration?
    /// Status last queued for the CSMS per connector (0 = the whole charge point).
    var reportedStatus: [Int: StatusReport] = [:]
    /// Status last put on the wire per connector: what the CSMS knows after the link drops.
    var sentStatus: [Int: StatusReport] = [:]
    /// What observers were last shown, so that only changes are published.
    var publishedStation: StationSnapshot?
    /// By connector index.
    var publishedConnectors: [ConnectorSnapshot?] = []
    var meterPublishAt: Duration?
    /// The grid instant of the next clock-aligned sample.
    var alignedSampleTime: Timestamp?

    // Calls of ours
    let messageIdPrefix: String
    var messageCounter = 0
    var inFlight: InFlightCall?
    var plainOutbox = Deque<PlainCall>()
    var transactionQueue: TransactionQueue

    // Model
    var station: StationRecord
    var connectors: [Connector]
    var chargingProfiles: ChargingProfiles
    var nextLimitChange: Duration?
    var localList: LocalAuthorizationList
    var authorizationCache: AuthorizationCache
    var transactions: [Int: TransactionRecord] = [:]
    var retryNotBefore: Duration?
    /// Transaction messages numbered below this were queued before the link came up: the backlog.
    var backlogBelowSequence = 0
    var nextLocalTransactionId: Int
    var nextSequence: Int
    var pendingReset: PendingReset?
    /// Grows with every change an observer can see (not the steady rise of energy), so a read model
    /// knows when to take a new snapshot.
    public internal(set) var revision = 0
    var firmwareUpdate: FirmwareUpdate?
    var diagnosticsUpload: FileUpload?
    var logUpload: FileUpload?
    var jobs: JobNumbers
    /// API callers waiting for the CSMS to confirm a StartTransaction or StopTransaction, by message sequence.
    var awaitingConfirmation: [Int: AwaitedConfirmation] = [:]

    // Security
    var security: SecurityRecord
    /// The security log, oldest first, at most `securityLogCapacity` entries.
    var securityLog: [SecurityEvent]
    var securityProfileTrial: SecurityProfileTrial?
    /// When the certificate the link presents expires (unix seconds): the charge point renews it ([SEC] A03).
    var chargePointCertificateExpiry: Int64?
    /// After a renewal request, the next one waits until then.
    var certificateRenewalRetryAt: Timestamp?
    /// Events raised at most once until the next successful connect: a failure streak, a stream of bad frames.
    var reportedUntilNextConnection: Set<SecurityEventType> = []
    /// The link must take new credentials once the current input's answers are out (true: reconnect for them).
    var linkChange: Bool?

    static let recentTransactionsKept = 200
    static let bootRetryFallback: Duration = .seconds(30)

    /// Throws when a command-line configuration override is not acceptable, so the service refuses to start
    /// with a message that names the key, instead of running with a value the operator did not ask for.
    public init(
        settings: StationSettings, restoring persisted: PersistedState, now: Now, messageIdPrefix: String,
        logger: Logger
    ) throws(ConfigurationRefusal) {
        var settings = settings
        if let installed = persisted.station.firmwareVersion { settings.bootNotification.firmwareVersion = installed }
        self.settings = settings
        self.logger = logger
        self.now = now
        self.messageIdPrefix = messageIdPrefix
        startedAt = now.uptime
        jobs = JobNumbers(startingAt: now.uptime)

        configuration = Configuration(connectorCount: settings.connectorCount)
        for (key, value) in persisted.configuration { configuration.restore(key, value) }
        station = persisted.station
        chargingProfiles = persisted.chargingProfiles
        localList = persisted.localList
        authorizationCache = AuthorizationCache(restoring: persisted.cache)
        security = persisted.security
        securityLog = persisted.securityEvents

        connectors = (1...max(settings.connectorCount, 1)).map { id in
            let record = persisted.connectors.first { $0.id == id } ?? ConnectorRecord(id: id)
            return Connector(record: record, simulatedPowerW: settings.simulatedPowerW)
        }
        for record in persisted.transactions { transactions[record.localId] = record }
        nextLocalTransactionId = (persisted.transactions.map(\.localId).max() ?? 0) + 1
        nextSequence = (persisted.queue.map(\.sequence).max() ?? 0) + 1
        transactionQueue = TransactionQueue(restoring: persisted.queue)
        for (name, value) in settings.configurationOverrides {
            let key = try configuration.change(name, to: value)
            persist(.saveConfiguration(key: key.rawValue, value: configuration[key].text))
        }
        if settings.security.minimumProfile > configuration.integer(.securityProfile) {
            configuration.set(.securityProfile, .integer(settings.security.minimumProfile))
            configurationChanged(.securityProfile)
        }
        meterPublishAt = now.uptime
        scheduleAlignedSample()
        resumeTransactionsAfterRestart()
        chargePointCertificateExpiry = clientCredential.flatMap { try? Certificate.parseChain(pem: $0.chain).first?.notAfter }
        raiseSecurityEvent(.startupOfTheDevice)
    }

    /// Handles one input and returns what must be done, in order.
    public mutating func handle(_ input: Input, at now: Now) -> [Effect] {
        advanceClock(to: now)
        switch input {
        case .linkConnecting:
            link = .connecting
            if securityProfileTrial?.phase == .switching { securityProfileTrial?.phase = .trying }
        case .securityFailure(let type, let detail):
            linkSecurityFailed(type, detail: detail)
        case .linkUp:
            linkUp()
        case .linkDown(let reason):
            linkDown(reason: reason)
        case .received(let text):
            receive(text)
        case .tick:
            break
        case .command(let command, let reply):
            perform(command, reply: reply)
        case .jobFinished(let id, let outcome):
            jobFinished(id: id, outcome)
        }
        runDueTimers()
        applyChargingLimits()
        raiseMeterCeilings()
        reportStatusChanges()
        if let reconnect = linkChange {
            linkChange = nil
            emit(.configureLink(linkSecurity, reconnect: reconnect))
        }
        let rebooting = resetIsDue()
        if !rebooting { pump() }
        publishChanges()
        flushChanges()
        // Observers hear of a change once it is committed; the reboot comes after everything else.
        effects += publications
        publications = []
        if rebooting { effects.append(.restart) }
        nextDeadline = earliestDeadline
        defer { effects = [] }
        return effects
    }

    /// When the engine next needs a `.tick`, on the uptime clock; nil when nothing is scheduled. Deadlines
    /// already passed are left out: every input runs the timers that are due, so what is still past due
    /// waits for something else (the link), and reporting it would make the runtime spin.
    ///
    /// Worked out once at the end of each input and kept: the host asks after every input, and asking a
    /// computed property of an engine held in a class copied the whole engine (issue 11).
    public private(set) var nextDeadline: Duration?

    private var earliestDeadline: Duration? {
        // One pass, no list built.
        var earliest = EarliestDeadline(after: now.uptime)
        earliest.consider(inFlight?.deadline)
        earliest.consider(heartbeatDueAt)
        earliest.consider(bootRetryAt)
        earliest.consider(retryNotBefore)
        earliest.consider(pendingReset?.deadline)
        earliest.consider(nextReservationExpiry)
        earliest.consider(nextAlignedSample)
        earliest.consider(nextFileJobStep)
        earliest.consider(nextLimitChange)
        earliest.consider(nextCertificateRenewal.map(now.uptime(at:)))
        var energyFlows = false
        for connector in connectors {
            earliest.consider(connector.nextSampleAt)
            earliest.consider(connector.pendingStart?.expiresAt)
            earliest.consider(energyCapReached(on: connector))
            earliest.consider(connector.meter.ceilingDue(powerW: connector.powerW).map { now.uptime + $0 })
            energyFlows = energyFlows || connector.powerW > 0
        }
        if energyFlows { earliest.consider(meterPublishAt) }
        for confirmation in awaitingConfirmation.values { earliest.consider(confirmation.deadline) }
        return earliest.value
    }

    /// The initial effects after a (re)start: state repaired during restore must reach the disk.
    public mutating func start() -> [Effect] {
        flushChanges()
        nextDeadline = earliestDeadline
        defer { effects = [] }
        return effects
    }

    // MARK: - Effects

    mutating func persist(_ change: StoreChange) {
        pendingChanges.append(change)
    }

    /// Anything that leaves the process waits for the changes made before it to be committed. Changes
    /// gather until then, so one input costs one commit (one fsync) however many records it touches.
    mutating func emit(_ effect: Effect) {
        switch effect {
        case .publish(let notification):
            if notification.changesState { revision &+= 1 }
            publications.append(effect)
        case .persist:
            effects.append(effect)
        case .send, .reply, .setPingInterval, .restart, .start, .configureLink:
            flushChanges()
            effects.append(effect)
        }
    }

    mutating func flushChanges() {
        guard !pendingChanges.isEmpty else { return }
        effects.append(.persist(pendingChanges))
        pendingChanges = []
    }

    mutating func reply(_ id: ReplyID, _ result: CommandResult) {
        emit(.reply(id, result))
    }

    mutating func fail(_ id: ReplyID, _ failure: CommandFailure) {
        emit(.reply(id, .failed(failure)))
    }

    // MARK: - Time

    private mutating func advanceClock(to newNow: Now) {
        let elapsed = newNow.uptime - now.uptime
        if elapsed > .zero {
            for index in connectors.indices {
                connectors[index].meter.integrate(powerW: connectors[index].powerW, over: elapsed)
            }
        }
        now = newNow
    }

    private mutating func runDueTimers() {
        let uptime = now.uptime
        if let call = inFlight, call.deadline <= uptime {
            inFlight = nil
            callTimedOut(call)
        }
        if let due = heartbeatDueAt, due <= uptime, registration == .accepted, link == .connected {
            heartbeatDueAt = nil
            enqueue(HeartbeatRequest(), purpose: .informational)
        }
        for index in connectors.indices {
            if let due = connectors[index].nextSampleAt, due <= uptime { sampleMeter(connectorIndex: index) }
            if let expiry = connectors[index].pendingStart?.expiresAt, expiry <= uptime {
                logger.info("start on connector \(connectors[index].id) timed out waiting for the cable")
                connectors[index].pendingStart = nil
            }
        }
        for (sequence, awaited) in awaitingConfirmation where awaited.deadline <= uptime {
            answerAwaited(sequence: sequence)
        }
        expireReservations()
        enforceEnergyCaps()
        advanceFileJobs()
        sampleAlignedIfDue()
        renewChargePointCertificateIfDue()
    }
}
