import ChargePoint
import EngineSupport
import Glibc
import Logging
import OCPP16
import Runtime
import Store
import Threads

/// The charge point's engine with the code that carries out its effects, driven by a `Runtime`: every
/// input runs the engine and then its effects in order (commit, then send or reply), on the thread that
/// brought the input, under the runtime's lock.
///
/// When a commit fails (a full disk, a folder that turned read-only) the station stays up but the engine
/// is held: the failed changes and every effect after them wait, and are carried out, in order, once the
/// changes commit (retried every `storeRetryInterval`). Meanwhile nothing reaches the engine: CSMS CALLs are
/// answered with CALLERROR InternalError, API commands fail with `storageUnavailable` except reads of what was
/// last committed (station, connectors, configuration), and link and job events are kept to be handed over
/// in order on recovery.
///
/// Used under the runtime's lock only (`RuntimeHosted`); the callbacks are set before the runtime starts.
final class ChargePointHost: RuntimeHosted {
    enum Input {
        /// The engine's first effects, before any other input.
        case start
        case linkConnecting
        /// The link is up on this connection.
        case connected(connection: UInt64)
        case linkDown(reason: String)
        case securityFailure(SecurityEventType, detail: String)
        case received(String)
        /// A command from the API; `reply` gets its result exactly once, after the runtime's lock.
        case command(Command, reply: @Sendable (CommandResult) -> Void)
        case jobFinished(id: Int, JobOutcome)
        /// The engine's deadline (or the store's retry) has come.
        case tick
    }

    private var engine: ChargePointEngine
    /// Builds the engine from what is persisted: at start and at every reboot (Reset).
    private let boot: () throws -> ChargePointEngine
    private let store: Store
    private let logger: Logger
    private var connection: UInt64 = 0
    private var replies: [ReplyID: @Sendable (CommandResult) -> Void] = [:]
    private var nextReplyNumber: UInt64 = 0
    /// While the store refuses writes: the effects of the failed commit on, and the inputs for the engine.
    private let hold: StoreHold<Input, Effect>
    private var publishedRevision = -1
    /// The last snapshot published: the state as committed, which answers reads while the store refuses writes.
    private var publishedSnapshot: EngineSnapshot?

    var send: @Sendable (String, UInt64) -> Void = { _, _ in }
    var setPingInterval: @Sendable (Int) -> Void = { _ in }
    var reconnect: @Sendable () -> Void = {}
    /// New credentials for the CSMS link; `true` asks for a reconnect with them now.
    var configureLink: @Sendable (LinkSecurity, Bool) -> Void = { _, _ in }
    /// Starts a job off this thread, given the engine's state at that moment (what a diagnostics archive
    /// reports); its end comes back as `.jobFinished`.
    var runJob: @Sendable (Job, EngineSnapshot) -> Void = { _, _ in }
    var publish: @Sendable (Notification) -> Void = { _ in }
    /// Receives a snapshot whenever the observable state changed, once it is on disk.
    var publishSnapshot: @Sendable (EngineSnapshot) -> Void = { _ in }
    /// Told whenever the store starts refusing writes (with the reason) and when it takes them again (nil).
    var publishStoreProblem: @Sendable (String?) -> Void {
        get { hold.publishProblem }
        set { hold.publishProblem = newValue }
    }
    /// Sees every frame in (`true`) and out (`false`), in the order the engine handles them, as it is on the
    /// wire: whoever shows a frame hides its secrets (`RPCCodec.redactingSecrets`).
    var observeFrame: @Sendable (_ incoming: Bool, String, Timestamp) -> Void = { _, _, _ in }

    init(store: Store, logger: Logger, boot: @escaping () throws -> ChargePointEngine) throws {
        self.engine = try boot()
        self.boot = boot
        self.store = store
        self.logger = logger
        hold = StoreHold(logger: logger, meanwhile: "CSMS calls get InternalError, API commands 503, reads of what is stored go on")
    }

    /// The configuration the engine started with (the transport's ping interval needs it first).
    var initialConfiguration: Configuration { engine.configuration }

    /// The link's first credentials, and what keeps it from connecting at all.
    var initialLinkSecurity: (settings: LinkSecurity, problem: String?) { (engine.linkSecurity, engine.linkSecurityProblem) }

    // MARK: - RuntimeHosted

    var tick: Input { .tick }

    /// While held, the store's next retry takes the place of the engine's deadlines.
    var nextDeadline: Duration? { hold.isHolding ? hold.retryAt : engine.nextDeadline }

    func run(_ input: Input, after: inout [@Sendable () -> Void]) {
        if hold.isHolding {
            if case .tick = input {
                hold.retry(
                    at: monotonicUptime(), execute: { execute($0, after: &after) }, handle: { handle($0, after: &after) })
            } else {
                refuseWhileHeld(input, after: &after)
            }
            return
        }
        handle(input, after: &after)
    }

    private func handle(_ input: Input, after: inout [@Sendable () -> Void]) {
        let now = Clock.now()
        let engineInput: ChargePoint.Input
        switch input {
        case .start:
            execute(engine.start(), after: &after)
            return
        case .linkConnecting:
            engineInput = .linkConnecting
        case .connected(let id):
            connection = id
            engineInput = .linkUp
        case .linkDown(let reason):
            engineInput = .linkDown(reason: reason)
        case .securityFailure(let type, let detail):
            engineInput = .securityFailure(type, detail: detail)
        case .received(let text):
            observeFrame(true, text, now.wallClock)
            engineInput = .received(text)
        case .command(let command, let reply):
            nextReplyNumber += 1
            let id = ReplyID(nextReplyNumber)
            replies[id] = reply
            engineInput = .command(command, id)
        case .jobFinished(let id, let outcome):
            engineInput = .jobFinished(id: id, outcome)
        case .tick:
            engineInput = .tick
        }
        execute(engine.handle(engineInput, at: now), after: &after)
    }

    private func execute(_ effects: [Effect], after: inout [@Sendable () -> Void]) {
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
                    hold.hold(Array(effects[index...]), because: error, at: monotonicUptime())
                    return
                }
            case .send(let text):
                logger.debug("-> \(text)")
                send(text, connection)
                observeFrame(false, text, Clock.now().wallClock)
            case .reply(let id, let result):
                if let reply = replies.removeValue(forKey: id) { after.append { reply(result) } }
            case .setPingInterval(let seconds):
                setPingInterval(seconds)
            case .publish(let notification):
                publish(notification)
            case .restart:
                restart(after: &after)
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
        let snapshot = engine.snapshot
        publishedSnapshot = snapshot
        publishSnapshot(snapshot)
    }

    /// A reboot in process: a new engine from the store, a new link (and so a new BootNotification).
    private func restart(after: inout [@Sendable () -> Void]) {
        for reply in replies.values { after.append { reply(.failed(.restarted)) } }
        replies = [:]
        do {
            engine = try boot()
        } catch {
            logger.critical("cannot restart the engine: \(error)")
            exit(EXIT_FAILURE)
        }
        publishedRevision = -1
        logger.notice("rebooted")
        execute(engine.start(), after: &after)
        configureLink(engine.linkSecurity, false)
        reconnect()
    }

    // MARK: - A store that refuses writes

    private func refuseWhileHeld(_ input: Input, after: inout [@Sendable () -> Void]) {
        switch input {
        case .connected(let id):
            connection = id
            keepForTheEngine(input)
        case .received(let text):
            observeFrame(true, text, Clock.now().wallClock)
            guard let answer = hold.refusal(of: text) else { return }
            send(answer, connection)
            observeFrame(false, answer, Clock.now().wallClock)
        case .command(let command, let reply):
            // The engine is ahead of the disk: reads are answered from what was last committed.
            let result = publishedSnapshot?.advanced(to: monotonicUptime()).answer(command)
                ?? .failed(.storageUnavailable(hold.reason))
            after.append { reply(result) }
        case .tick:
            break
        case .start, .linkConnecting, .linkDown, .securityFailure, .jobFinished:
            keepForTheEngine(input)
        }
    }

    /// Keeps a link or job event for the engine.
    private func keepForTheEngine(_ input: Input) {
        hold.keep(
            input, isConnectAttempt: { if case .linkConnecting = $0 { true } else { false } },
            keepsHistory: {
                switch $0 {
                case .connected, .jobFinished: true
                default: false
                }
            })
    }
}

/// Reads the two clocks the engine needs: monotonic for timers, real time for timestamps.
enum Clock {
    static func now() -> Now {
        Now(uptime: monotonicUptime(), wallClock: .now)
    }
}
