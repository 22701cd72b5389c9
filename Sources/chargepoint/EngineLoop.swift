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
            for event in batch {
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
        }
    }

    /// Waits for inputs or the engine's next deadline; a deadline that passes becomes a `.tick`.
    private func nextBatch() -> [Event]? {
        condition.withLock {
            while inbox.isEmpty && !stopping {
                if let deadline = engine.nextDeadline {
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
        for effect in effects {
            switch effect {
            case .persist: break
            default: publishSnapshotIfChanged()
            }
            switch effect {
            case .persist(let changes):
                do {
                    try store.apply(changes)
                } catch {
                    // Nothing may be acknowledged that is not on disk: stop here rather than go on unsafely.
                    logger.critical("\(error); exiting so that nothing unpersisted is acknowledged")
                    exit(EXIT_FAILURE)
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

    /// After the changes are committed and before anything that follows them is answered, so that a
    /// read from the read model never shows less than an answer already gave.
    private func publishSnapshotIfChanged() {
        guard engine.revision != publishedRevision else { return }
        publishedRevision = engine.revision
        publishSnapshot(engine.snapshot)
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

