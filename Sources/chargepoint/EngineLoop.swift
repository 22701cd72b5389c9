import ChargePoint
import DequeModule
import Glibc
import Logging
import OCPP16
import Store

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
    private let store: Store
    private let logger: Logger
    private var connection: UInt64 = 0
    private var thread: pthread_t?
    var send: @Sendable (String, UInt64) -> Void = { _, _ in }
    var setPingInterval: @Sendable (Int) -> Void = { _ in }

    init(engine: ChargePointEngine, store: Store, logger: Logger) {
        self.engine = engine
        self.store = store
        self.logger = logger
    }

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
        let box = Unmanaged.passRetained(self)
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { context in
            let loop = Unmanaged<EngineLoop>.fromOpaque(context!).takeRetainedValue()
            loop.run()
            return nil
        }, box.toOpaque())
        precondition(result == 0, "cannot start the engine thread: error \(result)")
        self.thread = thread
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
                    execute(engine.handle(input, at: Clock.now()))
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
            case .reply(let id, let result):
                let reply = condition.withLock { replies.removeValue(forKey: id) }
                reply?(result)
            case .setPingInterval(let seconds):
                setPingInterval(seconds)
            }
        }
    }
}

/// Reads the two clocks the engine needs: monotonic for timers, real time for timestamps.
enum Clock {
    static func now() -> Now {
        var monotonic = timespec()
        var real = timespec()
        clock_gettime(CLOCK_MONOTONIC, &monotonic)
        clock_gettime(CLOCK_REALTIME, &real)
        return Now(
            uptime: .seconds(monotonic.tv_sec) + .nanoseconds(monotonic.tv_nsec),
            wallClock: Timestamp(millisecondsSince1970: Int64(real.tv_sec) * 1000 + Int64(real.tv_nsec) / 1_000_000))
    }
}

/// A pthread mutex with a condition variable on the monotonic clock (TSan understands both).
///
/// `@unchecked Sendable`: the pthread objects are designed for use across threads.
final class Condition: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()

    init() {
        pthread_mutex_init(&mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(&cond, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(&cond)
        pthread_mutex_destroy(&mutex)
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }

    /// Call with the lock held.
    func signal() { pthread_cond_signal(&cond) }

    /// Call with the lock held.
    func wait() { pthread_cond_wait(&cond, &mutex) }

    /// Call with the lock held. Returns false when the deadline passed without a signal.
    func wait(untilUptime deadline: Duration) -> Bool {
        let (seconds, attoseconds) = deadline.components
        var time = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        return pthread_cond_timedwait(&cond, &mutex, &time) != ETIMEDOUT
    }
}
