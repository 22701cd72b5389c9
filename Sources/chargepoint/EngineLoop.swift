import ChargePoint
import DequeModule
import Glibc
import Logging
import OCPP16
import Store
import Threads

/// The one serial owner of the engine: a dedicated thread that takes inputs in arrival order, runs the
/// engine, and carries out its effects in order (persist, then send or reply). Other threads (the
/// websocket service thread, HTTP workers) only enqueue. It sleeps on a condition variable until the next
/// input or the engine's next deadline, so an idle charge point wakes for nothing.
///
/// When a commit fails (a full disk, a folder that turned read-only) the station stays up but the engine
/// is held: the failed changes and every effect after them wait, and are carried out, in order, once the
/// changes commit (retried every `storeRetryInterval`). Meanwhile nothing reaches the engine: CSMS CALLs are
/// answered with CALLERROR InternalError, API commands fail with `storageUnavailable` except reads of what was
/// last committed (station, connectors, configuration), and link and job events are kept to be handed over
/// in order on recovery.
///
/// `@unchecked Sendable`: `inbox`, `replies`, `nextReplyNumber` and `stopping` are guarded by `condition`;
/// everything else is touched only on the loop thread.
final class EngineLoop: @unchecked Sendable {
    enum Event: Sendable {
        case input(Input)
        case connected(connection: UInt64)
    }

    private let condition = Condition()
    private var inbox = Deque<Event>()
    private var replies: [ReplyID: @Sendable (CommandResult) -> Void] = [:]
    private var nextReplyNumber: UInt64 = 0
    private var stopping = false

    private var engine: ChargePointEngine
    /// Builds the engine from what is persisted: at start and at every reboot (Reset).
    private let boot: () throws -> ChargePointEngine
    private let store: Store
    private let logger: Logger
    private var connection: UInt64 = 0
    /// Replies the engine has taken on; a reboot answers them, since the new engine knows nothing of them.
    private var engineReplies: Set<ReplyID> = []
    private var thread: pthread_t?
    /// The effects of a failed commit, from its `.persist` on; set while the store refuses writes.
    private var held: [Effect]?
    /// Why the store refused, while `held` is set.
    private var storeProblem: String?
    /// Link and job events that arrived while held, for the engine in arrival order.
    private var heldInputs: [Event] = []
    private var storeRetryAt: Duration = .zero
    let storeRetryInterval: Duration = .seconds(5)
    var send: @Sendable (String, UInt64) -> Void = { _, _ in }
    var setPingInterval: @Sendable (Int) -> Void = { _ in }
    var reconnect: @Sendable () -> Void = {}
    /// New credentials for the CSMS link; `true` asks for a reconnect with them now.
    var configureLink: @Sendable (LinkSecurity, Bool) -> Void = { _, _ in }
    /// Starts a job off this thread, given the engine's state at that moment (what a diagnostics archive
    /// reports); its end is posted back as `.jobFinished`.
    var runJob: @Sendable (Job, EngineSnapshot) -> Void = { _, _ in }
    var publish: @Sendable (Notification) -> Void = { _ in }
    /// Receives a snapshot whenever the observable state changed, once it is on disk.
    var publishSnapshot: @Sendable (EngineSnapshot) -> Void = { _ in }
    private var publishedRevision = -1
    /// The last snapshot published: the state as committed, which answers reads while the store refuses writes.
    private var publishedSnapshot: EngineSnapshot?
    /// Told whenever the store starts refusing writes (with the reason) and when it takes them again (nil).
    var publishStoreProblem: @Sendable (String?) -> Void = { _ in }
    /// Sees every frame in (`true`) and out (`false`), in the order the engine handles them.
    var observeFrame: @Sendable (_ incoming: Bool, String, Timestamp) -> Void = { _, _, _ in }

    init(store: Store, logger: Logger, boot: @escaping () throws -> ChargePointEngine) throws {
        self.engine = try boot()
        self.boot = boot
        self.store = store
        self.logger = logger
    }

    /// The configuration the engine started with (the transport's ping interval needs it first).
    var initialConfiguration: Configuration { engine.configuration }

    /// The link's first credentials, and what keeps it from connecting at all.
    var initialLinkSecurity: (settings: LinkSecurity, problem: String?) { (engine.linkSecurity, engine.linkSecurityProblem) }

    // MARK: - Any thread

    func post(_ event: Event) {
        condition.withLock {
            inbox.append(event)
            condition.signal()
        }
    }

    func perform(_ command: Command, reply: @escaping @Sendable (CommandResult) -> Void) {
        condition.withLock {
            nextReplyNumber += 1
            let id = ReplyID(nextReplyNumber)
            replies[id] = reply
            inbox.append(.input(.command(command, id)))
            condition.signal()
        }
    }

    func start() {
        thread = spawnThread { self.run() }
        precondition(thread != nil, "cannot start the engine thread")
    }

    func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
        if let thread { pthread_join(thread, nil) }
    }

    // MARK: - Loop thread

    private func run() {
        execute(engine.start())
        while let batch = nextBatch() {
            if held != nil, monotonicUptime() >= storeRetryAt { retryHeldEffects() }
            for event in batch {
                if held != nil {
                    refuseWhileHeld(event)
                } else {
                    handle(event)
                }
            }
        }
    }

    private func handle(_ event: Event) {
        switch event {
        case .input(let input):
            let now = Clock.now()
            if case .received(let text) = input { observeFrame(true, RPCCodec.redactingSecrets(text), now.wallClock) }
            if case .command(_, let id) = input { engineReplies.insert(id) }
            execute(engine.handle(input, at: now))
        case .connected(let id):
            connection = id
            execute(engine.handle(.linkUp, at: Clock.now()))
        }
    }

    /// Waits for inputs or the engine's next deadline; a deadline that passes becomes a `.tick`. While the
    /// engine is held, the next store retry takes the place of the engine's deadlines.
    private func nextBatch() -> [Event]? {
        condition.withLock {
            while inbox.isEmpty && !stopping {
                if held != nil {
                    if !condition.wait(untilUptime: storeRetryAt) { return [] }
                } else if let deadline = engine.nextDeadline {
                    if !condition.wait(untilUptime: deadline) {
                        inbox.append(.input(.tick))
                    }
                } else {
                    condition.wait()
                }
            }
            if stopping { return nil }
            defer { inbox.removeAll(keepingCapacity: true) }
            return Array(inbox)
        }
    }

    private func execute(_ effects: [Effect]) {
        for (index, effect) in effects.enumerated() {
            switch effect {
            case .persist: break
            default: publishSnapshotIfChanged()
            }
            switch effect {
            case .persist(let changes):
                do {
                    try store.apply(changes)
                } catch {
                    // Nothing may be acknowledged that is not on disk: hold this and all that follows it.
                    hold(Array(effects[index...]), because: error)
                    return
                }
            case .send(let text):
                logger.debug("-> \(text)")
                send(text, connection)
                observeFrame(false, text, Clock.now().wallClock)
            case .reply(let id, let result):
                engineReplies.remove(id)
                let reply = condition.withLock { replies.removeValue(forKey: id) }
                reply?(result)
            case .setPingInterval(let seconds):
                setPingInterval(seconds)
            case .publish(let notification):
                publish(notification)
            case .restart:
                restart()
            case .start(let job):
                runJob(job, engine.snapshot)
            case .configureLink(let security, let reconnect):
                configureLink(security, reconnect)
            }
        }
        publishSnapshotIfChanged()
    }

    // MARK: - A store that refuses writes

    private func hold(_ effects: [Effect], because error: any Error) {
        if storeProblem == nil {
            logger.critical("\(error); holding every change until it can be stored (retried every \(storeRetryInterval)): CSMS calls get InternalError, API commands 503, reads go on")
            storeProblem = "\(error)"
            publishStoreProblem(storeProblem)
        }
        held = effects
        storeRetryAt = monotonicUptime() + storeRetryInterval
    }

    /// Commits the held changes again; on success carries out what followed them, then hands the engine the
    /// events that waited, for as long as the store takes their changes.
    private func retryHeldEffects() {
        guard let effects = held else { return }
        held = nil
        execute(effects)
        while held == nil, !heldInputs.isEmpty {
            handle(heldInputs.removeFirst())
        }
        if held == nil {
            logger.notice("the data folder takes writes again; the held changes are stored")
            storeProblem = nil
            publishStoreProblem(nil)
        }
    }

    private func refuseWhileHeld(_ event: Event) {
        let problem = storeProblem ?? "the data folder cannot be written"
        switch event {
        case .connected(let id):
            connection = id
            keepForTheEngine(event)
        case .input(.received(let text)):
            observeFrame(true, RPCCodec.redactingSecrets(text), Clock.now().wallClock)
            // A CALL is refused; an answer to one of ours is dropped, and the engine sends that CALL again.
            guard let header = RPCCodec.header(of: text), header.type == 2 else { return }
            let answer = RPCCodec.callError(messageId: header.messageId, code: .internalError,
                                            description: "cannot store data: \(problem)")
            send(answer, connection)
            observeFrame(false, answer, Clock.now().wallClock)
        case .input(.command(let command, let id)):
            // The engine is ahead of the disk: reads are answered from what was last committed.
            let reply = condition.withLock { replies.removeValue(forKey: id) }
            let committed = publishedSnapshot?.advanced(to: monotonicUptime())
            reply?(committed?.answer(command) ?? .failed(.storageUnavailable(problem)))
        case .input(.tick):
            break
        case .input(.linkConnecting), .input(.linkUp), .input(.linkDown), .input(.securityFailure),
             .input(.jobFinished):
            keepForTheEngine(event)
        }
    }

    /// Keeps a link or job event for the engine. A new connection attempt replaces the record of the failed
    /// attempts since the last connection: how often the link failed while held is not worth a backlog.
    private func keepForTheEngine(_ event: Event) {
        if case .input(.linkConnecting) = event,
           let attempt = heldInputs.lastIndex(where: { if case .input(.linkConnecting) = $0 { true } else { false } }),
           !heldInputs[attempt...].contains(where: {
               switch $0 {
               case .connected, .input(.linkUp), .input(.jobFinished): true
               default: false
               }
           }) {
            heldInputs.removeSubrange(attempt...)
        }
        heldInputs.append(event)
    }

    /// After the changes are committed and before anything that follows them is answered, so that a
    /// read from the read model never shows less than an answer already gave.
    private func publishSnapshotIfChanged() {
        guard engine.revision != publishedRevision else { return }
        publishedRevision = engine.revision
        let snapshot = engine.snapshot
        publishedSnapshot = snapshot
        publishSnapshot(snapshot)
    }

    /// A reboot in process: a new engine from the store, a new link (and so a new BootNotification).
    private func restart() {
        let unanswered = condition.withLock { engineReplies.compactMap { replies.removeValue(forKey: $0) } }
        engineReplies = []
        for reply in unanswered { reply(.failed(.restarted)) }
        do {
            engine = try boot()
        } catch {
            logger.critical("cannot restart the engine: \(error)")
            exit(EXIT_FAILURE)
        }
        publishedRevision = -1
        logger.notice("rebooted")
        execute(engine.start())
        configureLink(engine.linkSecurity, false)
        reconnect()
    }
}

/// Reads the two clocks the engine needs: monotonic for timers, real time for timestamps.
enum Clock {
    static func now() -> Now {
        Now(uptime: monotonicUptime(), wallClock: .now)
    }
}

