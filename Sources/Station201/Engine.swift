import Certificates
import EngineSupport
import Logging
import OCPP201

/// Fixed facts about the station, from the command line.
public struct StationSettings: Sendable {
    public var identity: String
    public var evseCount: Int
    /// BootNotification's description of the station.
    public var description: ChargingStation
    /// The most an EVSE can deliver: `EVSE.Power`'s maxLimit.
    public var maximumPowerW: Double
    /// What a simulated EV draws until the API says otherwise (`PUT …/meter`).
    public var simulatedPowerW: Double
    /// How many tokens the local authorization list can hold: `LocalAuthListCtrlr.Entries`' maxLimit.
    public var localListCapacity: Int
    /// How many tokens the authorization cache holds before it evicts.
    public var authorizationCacheCapacity: Int
    /// Variables set at every start (`--ocpp-config KEY=VALUE`, keys as `VariableAddress.configurationKey`
    /// writes them): what the operator passes on the command line wins over what is stored.
    public var variableOverrides: [(key: String, value: String)]
    /// `--csms`: the network profile of slot 1 until SetNetworkProfile replaces it.
    public var csmsURL: String
    /// `--security-profile` and the credentials: slot 1's security, and what every profile draws on.
    public var security: SecurityCredentials
    /// How many display messages the station stores: `DisplayMessageCtrlr.DisplayMessages`' maxLimit.
    public var displayMessageCapacity: Int
    /// How many root certificates InstallCertificate may install: `SecurityCtrlr.CertificateEntries`' maxLimit.
    public var certificateCapacity: Int
    /// The longest CertificateSigned chain taken: `SecurityCtrlr.MaxCertificateChainSize`, bytes.
    public var maxCertificateChainSize: Int
    /// The leaf of the installer's client certificate, parsed once: what A03 renews under profile 3 until the
    /// CSMS signed one.
    let installerCertificate: Certificate?

    public init(
        identity: String, evseCount: Int, description: ChargingStation, csmsURL: String = "ws://localhost:9000",
        maximumPowerW: Double = 22_000,
        simulatedPowerW: Double = 11_000, localListCapacity: Int = 1000, authorizationCacheCapacity: Int = 1000,
        variableOverrides: [(key: String, value: String)] = [], displayMessageCapacity: Int = 20,
        certificateCapacity: Int = 20, maxCertificateChainSize: Int = 10_000,
        security: SecurityCredentials = SecurityCredentials()
    ) {
        self.identity = identity
        self.evseCount = evseCount
        self.description = description
        self.maximumPowerW = maximumPowerW
        self.simulatedPowerW = simulatedPowerW
        self.localListCapacity = localListCapacity
        self.authorizationCacheCapacity = authorizationCacheCapacity
        self.variableOverrides = variableOverrides
        self.csmsURL = csmsURL
        self.security = security
        self.displayMessageCapacity = displayMessageCapacity
        self.certificateCapacity = certificateCapacity
        self.maxCertificateChainSize = min(maxCertificateChainSize, 10_000)
        installerCertificate = security.clientCertificateChainPEM.flatMap { try? Certificate.parseChain(pem: $0).first }
    }
}

/// Why a command-line variable was refused, so that the service refuses to start with a message that
/// names it instead of running with a value the operator did not ask for.
public struct VariableOverrideRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var reason: String

    public var description: String { "\(key): \(reason)" }
}

/// What a previous run left in the store.
public struct PersistedState: Sendable, Equatable {
    public var variables: [VariableAddress: String]
    public var inoperative: Set<AvailabilityTarget>
    public var bootReason: BootReason
    public var localList: LocalAuthorizationList
    public var authorizationCache: [AuthorizationCacheEntry]
    public var evses: [EVSERecord]
    /// Ongoing transactions and the ended ones the API still lists.
    public var transactions: [TransactionRecord]
    public var transactionEvents: [QueuedTransactionEvent]
    public var networkProfiles: [Int: NetworkConnectionProfile]
    /// The security log, oldest first, with what the CSMS has not acknowledged yet.
    public var securityLog: [SecurityLogEntry]
    public var displayMessages: [MessageInfo]
    public var reservations: [Reservation]
    public var installedCertificates: [InstalledCertificate]
    public var stationCertificate: SignedStationCertificate?
    public var pendingCertificateRequest: PendingCertificateRequest?
    public var chargingProfiles: [StationChargingProfile]
    public var monitors: VariableMonitors
    /// Notifications the CSMS had not answered, in their order.
    public var notifications: [StoredNotification]
    public var firmwareUpdate: FirmwareUpdateRecord?

    public init(
        variables: [VariableAddress: String] = [:], inoperative: Set<AvailabilityTarget> = [],
        bootReason: BootReason = .powerUp, localList: LocalAuthorizationList = LocalAuthorizationList(),
        authorizationCache: [AuthorizationCacheEntry] = [], evses: [EVSERecord] = [],
        transactions: [TransactionRecord] = [], transactionEvents: [QueuedTransactionEvent] = [],
        networkProfiles: [Int: NetworkConnectionProfile] = [:], displayMessages: [MessageInfo] = [],
        reservations: [Reservation] = [], securityLog: [SecurityLogEntry] = [],
        installedCertificates: [InstalledCertificate] = [], stationCertificate: SignedStationCertificate? = nil,
        pendingCertificateRequest: PendingCertificateRequest? = nil,
        chargingProfiles: [StationChargingProfile] = [], monitors: VariableMonitors = VariableMonitors(),
        firmwareUpdate: FirmwareUpdateRecord? = nil, notifications: [StoredNotification] = []
    ) {
        self.variables = variables
        self.inoperative = inoperative
        self.bootReason = bootReason
        self.localList = localList
        self.authorizationCache = authorizationCache
        self.evses = evses
        self.transactions = transactions
        self.transactionEvents = transactionEvents
        self.networkProfiles = networkProfiles
        self.displayMessages = displayMessages
        self.reservations = reservations
        self.securityLog = securityLog
        self.installedCertificates = installedCertificates
        self.stationCertificate = stationCertificate
        self.pendingCertificateRequest = pendingCertificateRequest
        self.chargingProfiles = chargingProfiles
        self.monitors = monitors
        self.notifications = notifications
        self.firmwareUpdate = firmwareUpdate
    }
}

/// The OCPP 2.0.1 charging station as a deterministic state machine: inputs in, effects out. It never
/// touches a socket, a clock, a file or a thread. Its parts keep their own state — the CALLs of ours
/// (`Outbox`), registration and heartbeat (`Registration`), the device model, the EVSEs' availability —
/// and this shell routes inputs to them and turns what they decide into effects.
public struct StationEngine: Sendable {
    let settings: StationSettings
    var logger: Logger
    var now: Now
    let startedAt: Duration

    /// The CSMS's clock minus the host's, from the last `currentTime` it sent (`setClock`); 0 before one.
    var clockOffsetMilliseconds: Int64 = 0

    var link = LinkState.disconnected
    /// When the link last went down, while it is down.
    var linkDownAt: Duration?
    var registration: Registration
    var outbox: Outbox
    public internal(set) var deviceModel: DeviceModel
    var availability: Availability
    var localList: LocalAuthorizationList
    var authorizationCache: AuthorizationCache
    var networkProfiles: NetworkProfiles
    var securityLog: [SecurityLogEntry]
    /// The log entries in the outbox, so that none is queued twice.
    var securityEventsQueued: Set<Int> = []
    /// The CSMS has just accepted the station: the undelivered entries are queued after the StatusNotifications.
    var securityEventsDue = false
    var evses: [EVSEState]
    /// Ended transactions the API still lists, oldest first.
    var recentTransactions: [TransactionRecord]
    var transactionEvents: TransactionEventQueue
    var transactionIds: TransactionIdGenerator
    var reservations: Reservations
    /// API callers of a start waiting for the CSMS's answer to the event that carries their token, by its
    /// place in the queue.
    var awaitingAnswer: [Int: AwaitedAnswer] = [:]
    /// Up to when the meters have integrated the power.
    var metersAdvancedAt: Duration
    /// A Reset OnIdle waits for the last transaction to end [B12.FR.01].
    var resetWhenIdle = false
    /// The connectors as observers last saw them (without the meter readings), and when the meters are
    /// shown next while energy flows.
    var publishedConnectors: [ConnectorSnapshot?]
    var meterPublishAt: Duration?
    /// The next instants of the AlignedDataCtrlr grids (Interval, TxEndedInterval).
    var alignedSampleAt: Timestamp?
    var alignedEndedSampleAt: Timestamp?
    /// The messages the CSMS set for the display (functional block O).
    var displayMessages: DisplayMessages
    /// The display as observers last saw it.
    var publishedDisplay: DisplaySnapshot?
    /// The roots InstallCertificate installed (functional block M).
    var installedCertificates: InstalledCertificates
    /// The CSR waiting for its certificate, and its resends [A02].
    var certificateSigning: CertificateSigning
    /// The station certificate the CSMS signed [A02].
    var signedCertificate: SignedCertificateInUse?
    /// The signed certificate's validity has not begun: the link changes to it when it does [A02.FR.08].
    var signedCertificateAwaitsStart = false
    /// When the station last started a CSR: an A03 renewal waits a day after it.
    var certificateRequestedAt: Duration?
    /// The charging profiles installed (functional block K), and when the limit they set next changes.
    var chargingProfiles: ChargingProfileStore
    var nextLimitChange: Duration?
    /// The TxProfile of each RequestStartTransaction accepted and not yet started, by EVSE id [F01.FR.08].
    var startProfiles: [Int: StartProfile] = [:]
    /// The monitors the CSMS set (functional block N), what each last saw, and the last event id given.
    var monitors: VariableMonitors
    var monitorWatches: [Int: MonitorWatch] = [:]
    var nextEventId = 0
    /// Hard-wired notices of this input, sent after its StatusNotifications.
    var problemNotices: [EventData] = []
    /// The firmware update in progress or last ended, and the GetLog upload in progress (blocks L, N01).
    var firmware: FirmwareUpdateRecord?
    var logUpload: LogUpload?
    /// The last GetLog's requestId, which an Idle LogStatusNotification repeats (0 before any).
    var lastLogRequestId = 0
    var jobs: JobNumbers

    var effects: [Effect] = []
    var pendingChanges: [StoreChange] = []
    var publications: [Effect] = []
    /// What the answer being written sets in motion, carried out once it is sent (a new ping interval).
    var afterAnswer: [Effect] = []
    /// A Reset reboots once its answer is out and the transaction events it caused are delivered, so that
    /// none goes twice across the reboot [B12.FR.04/05]; at the latest at this instant, or when the link
    /// drops, since what is left is resent after the reboot anyway.
    var rebootDeadline: Duration?

    public init(
        settings: StationSettings, restoring persisted: PersistedState, now: Now, messageIdPrefix: String,
        transactionIdSeed: UInt64, logger: Logger
    ) throws(VariableOverrideRefusal) {
        self.settings = settings
        self.logger = logger
        self.now = now
        startedAt = now.uptime
        jobs = JobNumbers(startingAt: now.uptime)
        metersAdvancedAt = now.uptime
        transactionIds = TransactionIdGenerator(seed: transactionIdSeed)
        transactionEvents = TransactionEventQueue(restoring: persisted.transactionEvents)
        reservations = Reservations(persisted.reservations)
        let ongoing = Dictionary(
            persisted.transactions.filter(\.isOngoing).map { ($0.evseId, $0) }, uniquingKeysWith: { first, _ in first })
        let records = Dictionary(persisted.evses.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        evses = (1...max(1, settings.evseCount)).map { id in
            EVSEState(
                record: records[id] ?? EVSERecord(
                    id: id, plugged: false, energyWh: 0, ceilingWh: 0, externalMeter: false,
                    demandW: settings.simulatedPowerW, fault: nil),
                transaction: ongoing[id])
        }
        publishedConnectors = Array(repeating: nil, count: max(1, settings.evseCount))
        recentTransactions = persisted.transactions.filter { !$0.isOngoing }
            .sorted { ($0.ended?.at ?? $0.startedAt) < ($1.ended?.at ?? $1.startedAt) }
        deviceModel = DeviceModel(
            descriptors: StandardVariables.catalogue(
                identity: settings.identity, evseCount: settings.evseCount, maximumPowerW: settings.maximumPowerW,
                localListCapacity: settings.localListCapacity, displayMessageCapacity: settings.displayMessageCapacity,
                certificateCapacity: settings.certificateCapacity,
                maxCertificateChainSize: settings.maxCertificateChainSize, basicAuthPassword: settings.security.basicAuthPassword),
            restored: persisted.variables)
        registration = Registration(bootReason: persisted.bootReason)
        outbox = Outbox(messageIdPrefix: messageIdPrefix, restoring: persisted.notifications)
        nextEventId = Self.lastEventId(in: persisted.notifications)
        availability = Availability(evseCount: settings.evseCount, inoperative: persisted.inoperative)
        localList = persisted.localList
        authorizationCache = AuthorizationCache(
            capacity: settings.authorizationCacheCapacity, restoring: persisted.authorizationCache)
        securityLog = persisted.securityLog
        networkProfiles = NetworkProfiles(
            settings.csmsURL, securityProfile: settings.security.profile, persisted.networkProfiles, deviceModel)
        displayMessages = DisplayMessages(restoring: persisted.displayMessages)
        installedCertificates = InstalledCertificates(restoring: persisted.installedCertificates)
        certificateSigning = CertificateSigning(restoring: persisted.pendingCertificateRequest)
        signedCertificate = SignedCertificateInUse(restoring: persisted.stationCertificate)
        signedCertificateAwaitsStart = signedCertificate.map { $0.chain[0].notBefore * 1000 > now.wallClock.millisecondsSince1970 } ?? false
        chargingProfiles = ChargingProfileStore(restoring: persisted.chargingProfiles)
        monitors = persisted.monitors
        firmware = persisted.firmwareUpdate
        for (key, value) in settings.variableOverrides {
            guard let address = VariableAddress(configurationKey: key) else {
                throw VariableOverrideRefusal(key: key, reason: "not a variable's key (Component.Variable, e.g. OCPPCommCtrlr.HeartbeatInterval)")
            }
            switch write(address, attribute: .actual, value: value) {
            case .accepted:
                continue
            case .unknownComponent, .unknownVariable, .notSupportedAttributeType:
                throw VariableOverrideRefusal(key: key, reason: "not a variable of this station")
            case .refused(.readOnly):
                throw VariableOverrideRefusal(key: key, reason: "the variable is read-only")
            case .refused(let refusal):
                throw VariableOverrideRefusal(key: key, reason: "cannot be '\(value)': \(refusal)")
            }
        }
        // A value set at start needs no answer to wait for: what it sets in motion the host reads itself.
        afterAnswer = []
        // The priority as the command line may have set it.
        networkProfiles = NetworkProfiles(
            settings.csmsURL, securityProfile: settings.security.profile, persisted.networkProfiles, deviceModel)
        // Committed before the first frame goes, by the first input.
        endTransactionsCutByRestart()
        // The boot itself is a security event [A04]: sent with what a previous run left undelivered.
        raiseSecurityEvent(persisted.bootReason == .powerUp ? .startupOfTheDevice : .resetOrReboot, detail: nil)
        resumeFirmwareUpdate()
    }

    /// Handles one input and returns what must be done, in order.
    public mutating func handle(_ input: Input, at now: Now) -> [Effect] {
        self.now = Now(
            uptime: now.uptime,
            wallClock: Timestamp(millisecondsSince1970: now.wallClock.millisecondsSince1970 + clockOffsetMilliseconds))
        let linkBefore = link
        advanceMeters()
        removeOutdatedDisplayMessages()
        switch input {
        case .linkConnecting:
            link = .connecting
            networkProfiles.connecting()
        case .linkUp:
            link = .connected
            networkProfiles.connected()
            securityProfileConnected()
            // Offline for longer than OfflineThreshold: the CSMS hears every connector again [B04.FR.01].
            if let downAt = linkDownAt,
               now.uptime - downAt > .seconds(deviceModel.integer(StandardVariables.offlineThreshold)) {
                availability.forgetReported()
            }
            linkDownAt = nil
        case .linkDown(let reason):
            logger.notice("link down: \(reason)")
            link = .disconnected
            linkDownAt = linkDownAt ?? now.uptime
            outbox.linkLost().map { callFailed($0, .linkLost) }
            abandonQueuedAuthorizations()
            answerAwaitedStarts { _ in true }
            let attempts = deviceModel.integer(StandardVariables.networkProfileConnectionAttempts)
            if let slot = networkProfiles.linkDown(attemptsPerProfile: attempts) { switchNetworkProfile(to: slot) }
        case .received(let text):
            receive(text)
        case .tick:
            break
        case .command(let command, let reply):
            perform(command, reply: reply)
            applyAfterAnswer()
        case .securityFailure(let type, let detail):
            securityFailed(type, detail: detail)
        case .jobFinished(let id, let outcome):
            jobFinished(id: id, outcome)
        }
        if link != linkBefore { publish(.station(stationSnapshot)) }
        runDueTimers()
        // The limit in force first, so that the charging states it changes are reported with this input; again
        // when a transaction begins or ends there, which brings or takes away its profiles.
        applyChargingLimits()
        let runningBefore = evses.map(\.transaction?.id)
        reportChargingStates()
        if evses.map(\.transaction?.id) != runningBefore { applyChargingLimits() }
        raiseMeterCeilings()
        advanceFileJobs()
        releaseUnusableReservations()
        if resetWhenIdle, evses.allSatisfy({ $0.transaction == nil }) {
            resetWhenIdle = false
            rebootWhenDelivered()
        }
        // Worked out once for the three observers of the connectors below; none of them changes a status.
        let statuses = connectorStatuses
        reportStatusChanges(statuses)
        queueUndeliveredSecurityEvents()
        publishConnectorChanges(statuses)
        followDisplay(statuses)
        watchMonitoredVariables()
        if link == .connected { pump() }
        flushChanges()
        effects += publications
        publications = []
        if let deadline = rebootDeadline,
           (transactionEvents.isEmpty && !outbox.holds(.firmwareStatusNotification)) || link != .connected
            || deadline <= now.uptime
        {
            emit(.restart)
        }
        nextDeadline = earliestDeadline
        defer { effects = [] }
        return effects
    }

    /// When the engine next needs a `.tick`; nil when nothing is scheduled. Worked out once at the end of each
    /// input and kept, as the 1.6 engine's is: the host asks after every input.
    public private(set) var nextDeadline: Duration?

    private var earliestDeadline: Duration? {
        var earliest = EarliestDeadline(after: now.uptime)
        earliest.consider(outbox.deadline)
        earliest.consider(registration.nextDeadline(linkUp: link == .connected))
        considerTransactionDeadlines(&earliest)
        considerAlignedDeadlines(&earliest)
        considerDisplayDeadlines(&earliest)
        considerCertificateDeadlines(&earliest)
        considerMonitorDeadlines(&earliest)
        if link == .connected { earliest.consider(transactionEvents.retryAt) }
        earliest.consider(meterPublishAt)
        earliest.consider(rebootDeadline)
        earliest.consider(nextLimitChange)
        earliest.consider(reservations.nextExpiry.map(now.uptime(at:)))
        earliest.consider(nextFileJobStep.map(now.uptime(at:)))
        for awaited in awaitingAnswer.values { earliest.consider(awaited.deadline) }
        return earliest.value
    }

    mutating func runDueTimers() {
        if let call = outbox.timedOut(at: now.uptime) {
            logger.warning("\(call.action.rawValue) \(call.messageId) got no answer in time")
            callFailed(call, .timeout)
        }
        expireAuthorizations()
        expireReservations()
        answerOverdueStarts()
        takeDueSamples()
        takeDueAlignedSamples()
        runCertificateTimers()
        reportPeriodicMonitors()
    }

    // MARK: - Effects

    /// Anything that leaves the engine (a frame, an answer to an API caller, a change of the link) waits
    /// for the changes made before it to be committed: they gather until then, so one input costs one commit.
    mutating func emit(_ effect: Effect) {
        if case .persist = effect {} else { flushChanges() }
        effects.append(effect)
    }

    mutating func persist(_ change: StoreChange) {
        pendingChanges.append(change)
    }

    /// Commits what is pending before anything that depends on it is sent or answered.
    mutating func flushChanges() {
        pendingChanges += outbox.takeNewlyStored().map(StoreChange.notification)
        guard !pendingChanges.isEmpty else { return }
        effects.append(.persist(pendingChanges))
        pendingChanges = []
    }

    mutating func publish(_ notification: Notification) {
        publications.append(.publish(notification))
    }

    public var reconnectBackoff: ReconnectBackoff {
        ReconnectBackoff(
            waitMinimum: deviceModel.integer(StandardVariables.retryBackOffWaitMinimum),
            randomRange: deviceModel.integer(StandardVariables.retryBackOffRandomRange),
            repeatTimes: deviceModel.integer(StandardVariables.retryBackOffRepeatTimes))
    }

    /// The CSMS the link connects to: the network profile in use (the identity is appended).
    public var csmsURL: String { networkProfiles.activeURL }

    public var stationSnapshot: StationSnapshot {
        StationSnapshot(
            identity: settings.identity, csmsURL: websocketURL(csms: csmsURL, identity: settings.identity), link: link,
            registration: registration.status,
            heartbeatInterval: deviceModel.integer(StandardVariables.heartbeatInterval), uptime: now.uptime - startedAt,
            firmwareVersion: firmwareVersion?.value, evseCount: settings.evseCount,
            queuedMessages: transactionEvents.count)
    }
}
