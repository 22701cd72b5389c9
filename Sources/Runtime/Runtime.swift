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
/// which is most of a round trip's cost. A timer thread sleeps until the engine's next deadline, or
/// without one until an input brings one, so an idle engine wakes for nothing.
///
/// Inputs are handled one at a time, each to the end, in the order their threads take the lock; inputs
/// from one thread keep their order.
///
/// `@unchecked Sendable`: `hosted`, `armedDeadline` and `stopping` are guarded by `condition`;
/// `timer` is touched only by `start()` and `stop()`, which the owner calls once each from one thread.
public final class Runtime<Hosted: RuntimeHosted>: @unchecked Sendable {
    private let condition = Condition()
    private let hosted: Hosted
    /// The deadline the timer thread sleeps towards; nil while it sleeps without one or is awake.
    private var armedDeadline: Duration?
    private var stopping = false
    private var timer: pthread_t?

    public init(_ hosted: Hosted) {
        self.hosted = hosted
    }

    public func start() {
        timer = spawnThread { self.runTimer() }
        precondition(timer != nil, "cannot start the runtime's timer thread")
    }

    /// Stops the timer thread; inputs that come later are still handled by their threads.
    public func stop() {
        condition.withLock {
            stopping = true
            condition.signal()
        }
        if let timer { pthread_join(timer, nil) }
        timer = nil
    }

    /// Runs `input` through the engine on the calling thread, then what it left for after the lock.
    public func handle(_ input: Hosted.Input) {
        var after: [@Sendable () -> Void] = []
        condition.withLock { run(input, after: &after) }
        for work in after { work() }
    }

    /// Reads (or changes) the hosted side under the lock, between inputs.
    public func withHosted<Result>(_ body: (Hosted) throws -> Result) rethrows -> Result {
        try condition.withLock { try body(hosted) }
    }

    /// Runs the tick if the deadline has passed at `now`; what the timer thread does when it wakes. Returns
    /// whether it ran.
    func tickIfDue(at now: Duration) -> Bool {
        var after: [@Sendable () -> Void] = []
        let ran: Bool = condition.withLock {
            guard let deadline = hosted.nextDeadline, deadline <= now else { return false }
            run(hosted.tick, after: &after)
            return true
        }
        for work in after { work() }
        return ran
    }

    // MARK: - With the lock held

    private func run(_ input: Hosted.Input, after: inout [@Sendable () -> Void]) {
        hosted.run(input, after: &after)
        // Wake the timer only when the engine now needs it sooner than it sleeps.
        if let deadline = hosted.nextDeadline, armedDeadline.map({ deadline < $0 }) ?? true {
            condition.signal()
        }
    }

    private func runTimer() {
        while true {
            let wake: Bool = condition.withLock {
                while !stopping {
                    guard let deadline = hosted.nextDeadline else {
                        armedDeadline = nil
                        condition.wait()
                        continue
                    }
                    armedDeadline = deadline
                    if monotonicUptime() >= deadline || !condition.wait(untilUptime: deadline) {
                        armedDeadline = nil
                        return true
                    }
                }
                return false
            }
            guard wake else { return }
            _ = tickIfDue(at: monotonicUptime())
        }
    }
}
