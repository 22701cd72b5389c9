import EngineSupport
import Glibc
import Logging
import OCPP201
import Runtime
import Station201
import Store
import Threads

/// The 2.0.1 station's engine with the code that carries out its effects, driven by a `Runtime`: every
/// input runs the engine and then its effects in order (commit, then send or reply), on the thread that
/// brought the input, under the runtime's lock.
///
/// When a commit fails (a full disk, a folder turned read-only) the station stays up, as the 1.6 one does,
/// but the engine is held (`StoreHold`): the failed changes and every effect after them wait and are carried
/// out in order once they commit. Meanwhile CSMS CALLs are answered with CALLERROR InternalError, API
/// commands fail with 503 `storage-unavailable`, and link events wait for the engine.
final class StationHost201: RuntimeHosted {
    enum Input {
        case linkConnecting
        case connected(connection: UInt64)
        case linkDown(reason: String)
        case received(String)
        /// A command from the API; `reply` gets its result exactly once, after the runtime's lock.
        case command(Command, reply: @Sendable (CommandResult) -> Void)
        /// A connection attempt the CSMS or its certificate refused.
        case securityFailure(SecurityEventType, detail: String)
        case tick
        /// A job `runJob` started has ended.
        case jobFinished(id: Int, JobOutcome)
    }

    private var engine: StationEngine
    /// Builds the engine from what is persisted: at start and at every reboot (Reset).
    private let boot: () throws -> StationEngine
    private let store: Store201
    private let logger: Logger
    private var connection: UInt64 = 0
    private var replies: [ReplyID: @Sendable (CommandResult) -> Void] = [:]
    private var nextReplyNumber: UInt64 = 0
    private let hold: StoreHold<Input, Effect>

    var send: @Sendable (String, UInt64) -> Void = { _, _ in }
    var setPingInterval: @Sendable (Int) -> Void = { _ in }
    var setReconnectBackoff: @Sendable (ReconnectBackoff) -> Void = { _ in }
    /// Connects again, to this CSMS (without the identity) with these credentials: the network profile in use.
    var reconnect: @Sendable (String, LinkSecurity) -> Void = { _, _ in }
    /// Credentials for the next connection; the current one stays.
    var updateLinkSecurity: @Sendable (LinkSecurity) -> Void = { _ in }
    /// Starts a job off this thread (a transfer, a signature check, the install hook); its end comes back as
    /// `.jobFinished`.
    var runJob: @Sendable (Job) -> Void = { _ in }
    var cancelJob: @Sendable (Int) -> Void = { _ in }
    var publish: @Sendable (Notification) -> Void = { _ in }
    /// Sees every frame in (`true`) and out (`false`) as it is on the wire.
    var observeFrame: @Sendable (_ incoming: Bool, String, Timestamp) -> Void = { _, _, _ in }
    /// Told whenever the store starts refusing writes (with the reason) and when it takes them again (nil).
    var publishStoreProblem: @Sendable (String?) -> Void {
        get { hold.publishProblem }
        set { hold.publishProblem = newValue }
    }

    init(store: Store201, logger: Logger, boot: @escaping () throws -> StationEngine) throws {
        self.engine = try boot()
        self.boot = boot
        self.store = store
        self.logger = logger
        hold = StoreHold(logger: logger, meanwhile: "CSMS calls get InternalError, API commands 503")
    }

    /// The ping interval the link starts with.
    var initialPingInterval: Int { engine.deviceModel.integer(StandardVariables.webSocketPingInterval) }

    /// The reconnect back-off the link starts with.
    var initialReconnectBackoff: ReconnectBackoff { engine.reconnectBackoff }

    /// The CSMS of the network profile in use, without the identity.
    var csmsURL: String { engine.csmsURL }

    /// The credentials the link starts with, and what they lack to connect at all.
    var initialLinkSecurity: (settings: LinkSecurity, problem: String?) { (engine.linkSecurity, engine.linkSecurityProblem) }

    /// The station as it stands, for whoever needs it before the first change is published.
    var station: StationSnapshot { engine.stationSnapshot }

    // MARK: - RuntimeHosted

    var tick: Input { .tick }

    /// While held, the store's next retry takes the place of the engine's deadlines.
    var nextDeadline: Duration? { hold.isHolding ? hold.retryAt : engine.nextDeadline }

    func run(_ input: Input, after: inout [@Sendable () -> Void]) {
        guard hold.isHolding else {
            handle(input, after: &after)
            return
        }
        switch input {
        case .tick:
            hold.retry(at: monotonicUptime(), execute: { execute($0, after: &after) }, handle: { handle($0, after: &after) })
        case .received(let text):
            observeFrame(true, text, .now)
            guard let answer = hold.refusal(of: text) else { return }
            send(answer, connection)
            observeFrame(false, answer, .now)
        case .command(_, let reply):
            let failure = CommandResult.failed(.storageUnavailable(hold.reason))
            after.append { reply(failure) }
        case .connected(let id):
            connection = id
            keepForTheEngine(input)
        case .linkConnecting, .linkDown, .securityFailure, .jobFinished:
            keepForTheEngine(input)
        }
    }

    private func keepForTheEngine(_ input: Input) {
        hold.keep(
            input, isConnectAttempt: { if case .linkConnecting = $0 { true } else { false } },
            keepsHistory: { if case .connected = $0 { true } else { false } })
    }

    private func handle(_ input: Input, after: inout [@Sendable () -> Void]) {
        let now = Now(uptime: monotonicUptime(), wallClock: .now)
        let engineInput: Station201.Input
        switch input {
        case .linkConnecting:
            engineInput = .linkConnecting
        case .connected(let id):
            connection = id
            engineInput = .linkUp
        case .linkDown(let reason):
            engineInput = .linkDown(reason: reason)
        case .received(let text):
            observeFrame(true, text, now.wallClock)
            engineInput = .received(text)
        case .command(let command, let reply):
            nextReplyNumber += 1
            let id = ReplyID(nextReplyNumber)
            replies[id] = reply
            engineInput = .command(command, id)
        case .securityFailure(let type, let detail):
            engineInput = .securityFailure(type, detail: detail)
        case .tick:
            engineInput = .tick
        case .jobFinished(let id, let outcome):
            engineInput = .jobFinished(id: id, outcome)
        }
        execute(engine.handle(engineInput, at: now), after: &after)
    }

    private func execute(_ effects: [Effect], after: inout [@Sendable () -> Void]) {
        for (index, effect) in effects.enumerated() {
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
                observeFrame(false, text, .now)
            case .reply(let id, let result):
                if let reply = replies.removeValue(forKey: id) { after.append { reply(result) } }
            case .setPingInterval(let seconds):
                setPingInterval(seconds)
            case .setReconnectBackoff(let backoff):
                setReconnectBackoff(backoff)
            case .publish(let notification):
                publish(notification)
            case .restart:
                restart(after: &after)
            case .useCSMS(let url, let security):
                // After the runtime's lock: replacing the link waits for the old one's thread.
                after.append { [reconnect] in reconnect(url, security) }
            case .updateLinkSecurity(let security):
                updateLinkSecurity(security)
            case .start(let job):
                // After the runtime's lock: a job that fails at once posts its outcome back on this thread.
                after.append { [runJob] in runJob(job) }
            case .cancel(let id):
                cancelJob(id)
            }
        }
    }

    /// A reboot in process: a new engine from the store, a new link (and so a new BootNotification). Callers
    /// still waiting (an Authorize for the CSMS) learn that their answer will not come.
    private func restart(after: inout [@Sendable () -> Void]) {
        for reply in replies.values { after.append { reply(.failed(.restarted)) } }
        replies = [:]
        do {
            engine = try boot()
        } catch {
            logger.critical("cannot restart the engine: \(error)")
            exit(EXIT_FAILURE)
        }
        logger.notice("rebooted")
        // The new engine may start with another network profile (NetworkConfigurationPriority).
        after.append { [reconnect, url = engine.csmsURL, security = engine.linkSecurity] in reconnect(url, security) }
    }
}
