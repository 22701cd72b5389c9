import Glibc
import Threads

/// What a `Runtime` drives: a sans-I/O engine together with the code that carries out its effects.
///
/// `run` is called with the runtime's lock held, one input at a time: it hands the input to the engine and
/// carries out the effects in order (commit, then send). What must not happen under the lock, because it
/// may call back into the runtime or block on a caller (answers to API callers), it appends to `after`:
/// the runtime runs those once the lock is released, in order.
public protocol RuntimeHosted: AnyObject {
    associatedtype Input

    func run(_ input: Input, after: inout [@Sendable () -> Void])

    /// When the engine next needs `tick`, on the uptime clock; nil when nothing is scheduled.
    var nextDeadline: Duration? { get }

    /// The input that tells the engine its deadline has passed.
    var tick: Input { get }
}

/// Runs one engine for its edges, with no thread of its own for inputs: the thread that brings an input
/// (a websocket service thread with a frame, an HTTP worker with a command, a job thread with its outcome)
/// runs the engine itself under one lock. There is no hand-off to an engine thread and back per frame,
/// which is most of a round trip's cost. A `RuntimeTimer` thread, of its own or shared by many runtimes,
/// sleeps until the engine's next deadline, so an idle engine wakes for nothing.
///
/// Inputs are handled one at a time, each to the end, in the order their threads take the lock; inputs
/// from one thread keep their order.
///
/// `@unchecked Sendable`: `hosted`, `scheduled` and `started` are guarded by `lock`.
public final class Runtime<Hosted: RuntimeHosted>: @unchecked Sendable, TimedRuntime {
    private let lock = Lock()
    private let hosted: Hosted
    private let timer: RuntimeTimer
    /// The runtime starts and stops the timer itself when it is its own.
    private let ownsTimer: Bool
    /// The deadline the timer was last told; kept in step with the engine's after every input.
    private var scheduled: Duration?
    /// Between `start()` and `stop()`: only then does the timer hear of deadlines.
    private var started = false

    /// `timer`: the thread that ticks this runtime along with others (fleet mode); nil gives it one of its own.
    public init(_ hosted: Hosted, timer: RuntimeTimer? = nil) {
        self.hosted = hosted
        self.timer = timer ?? RuntimeTimer()
        ownsTimer = timer == nil
    }

    public func start() {
        if ownsTimer { timer.start() }
        lock.withLock {
            started = true
            scheduleNextDeadline()
        }
    }

    /// Stops the ticks; inputs that come later are still handled by their threads.
    public func stop() {
        lock.withLock {
            started = false
            scheduled = nil
            timer.schedule(self, at: nil)
        }
        if ownsTimer { timer.stop() }
    }

    /// Runs `input` through the engine on the calling thread, then what it left for after the lock.
    public func handle(_ input: Hosted.Input) {
        var after: [@Sendable () -> Void] = []
        lock.withLock { run(input, after: &after) }
        for work in after { work() }
    }

    /// Reads (or changes) the hosted side under the lock, between inputs.
    public func withHosted<Result>(_ body: (Hosted) throws -> Result) rethrows -> Result {
        try lock.withLock { try body(hosted) }
    }

    /// What the timer does at the deadline it was told: the tick, if the deadline has still passed at `now` (an
    /// input may have moved it), and the next deadline for the timer. Nothing once stopped.
    func timerFired(at now: Duration) {
        var after: [@Sendable () -> Void] = []
        lock.withLock {
            guard started else { return }
            scheduled = nil
            if let deadline = hosted.nextDeadline, deadline <= now {
                run(hosted.tick, after: &after)
            } else {
                scheduleNextDeadline()
            }
        }
        for work in after { work() }
    }

    // MARK: - With the lock held

    private func run(_ input: Hosted.Input, after: inout [@Sendable () -> Void]) {
        hosted.run(input, after: &after)
        scheduleNextDeadline()
    }

    /// Tells the timer the engine's deadline when it changed: most inputs leave it as it was.
    private func scheduleNextDeadline() {
        guard started else { return }
        let deadline = hosted.nextDeadline
        guard deadline != scheduled else { return }
        scheduled = deadline
        timer.schedule(self, at: deadline)
    }
}
