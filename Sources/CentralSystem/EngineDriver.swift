import Glibc
import OCPP16
import Threads

/// Runs the engine for its edges. Unlike the charge point's engine loop it has no thread of its own for
/// inputs: the websocket service thread and the HTTP workers run the engine themselves, one at a time
/// under `condition`'s lock. That saves a thread hand-off per frame, which is most of a round trip's
/// cost on a loaded peer. A timer thread sleeps until the earliest CALL deadline (or forever), so an
/// idle central system wakes for nothing.
///
/// Sends happen under the lock, so frames leave in the order the engine decided them; answers to API
/// callers run after it is released, so a responder never runs inside the engine's lock.
///
/// `@unchecked Sendable`: every mutable property is guarded by `condition`; `timer` is only touched by
/// `start()` and `stop()`, which the owner calls once each from one thread.
final class EngineDriver: @unchecked Sendable {
    typealias Reply = @Sendable (CallOutcome) -> Void

    private let condition = Condition()
    private var engine: CentralSystemEngine
    private var effects: [CentralSystemEngine.Effect] = []
    private var waiting: [CallTicket: Reply] = [:]
    private var lastTicket: UInt64 = 0
    /// What the timer thread sleeps towards; nil while it sleeps without a deadline (or is awake).
    private var armedDeadline: Duration?
    private var stopping = false
    private var transmit: (@Sendable (String, UInt64) -> Void)?
    private var timer: pthread_t?

    init(engine: CentralSystemEngine) {
        self.engine = engine
    }

    /// Where frames go (the websocket server); until then and after `stop()` they are dropped.
    func attach(transmit: @escaping @Sendable (String, UInt64) -> Void) {
        condition.withLock { self.transmit = transmit }
    }

    func start() {
        timer = spawnThread { self.runTimer() }
        precondition(timer != nil, "cannot start the central system's timer thread")
    }

    /// Stops the timer and detaches the websocket server (which breaks the reference cycle through it).
    func stop() {
        condition.withLock {
            stopping = true
            transmit = nil
            condition.signal()
        }
        if let timer { pthread_join(timer, nil) }
        timer = nil
    }

    // MARK: - Any thread

    func handle(_ input: CentralSystemEngine.Input) {
        deliver(condition.withLock { run(input) })
    }

    /// Asks for a CALL to a station; `reply` gets the outcome exactly once, on some other thread.
    func call(identity: String, action: String, payload: JSONValue, reply: @escaping Reply) {
        let replies = condition.withLock {
            lastTicket += 1
            let ticket = CallTicket(lastTicket)
            waiting[ticket] = reply
            return run(.call(ticket, identity: identity, action: action, payload: payload))
        }
        deliver(replies)
    }

    var stations: [StationSummary] {
        condition.withLock { engine.stations }
    }

    // MARK: - With the lock held

    private func run(_ input: CentralSystemEngine.Input) -> [(Reply, CallOutcome)] {
        engine.handle(input, at: EngineDriver.now(), into: &effects)
        var replies: [(Reply, CallOutcome)] = []
        for effect in effects {
            switch effect {
            case .send(let connection, let text):
                transmit?(text, connection)
            case .reply(let ticket, let outcome):
                if let reply = waiting.removeValue(forKey: ticket) { replies.append((reply, outcome)) }
            }
        }
        effects.removeAll(keepingCapacity: true)
        if let deadline = engine.nextDeadline, armedDeadline.map({ deadline < $0 }) ?? true {
            condition.signal()
        }
        return replies
    }

    private func runTimer() {
        while true {
            let replies: [(Reply, CallOutcome)]? = condition.withLock {
                while !stopping {
                    guard let deadline = engine.nextDeadline else {
                        armedDeadline = nil
                        condition.wait()
                        continue
                    }
                    armedDeadline = deadline
                    if monotonicUptime() >= deadline || !condition.wait(untilUptime: deadline) {
                        armedDeadline = nil
                        return run(.tick)
                    }
                }
                return nil
            }
            guard let replies else { return }
            deliver(replies)
        }
    }

    private func deliver(_ replies: [(Reply, CallOutcome)]) {
        for (reply, outcome) in replies { reply(outcome) }
    }

    static func now() -> Instant {
        var real = timespec()
        clock_gettime(CLOCK_REALTIME, &real)
        return Instant(
            uptime: monotonicUptime(),
            wallClock: Timestamp(millisecondsSince1970: Int64(real.tv_sec) * 1000 + Int64(real.tv_nsec) / 1_000_000))
    }
}
