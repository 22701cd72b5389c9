import Glibc
import Threads

/// One thread that sleeps until the earliest deadline of the runtimes it serves and then ticks the runtimes
/// that are due: a fleet of stations waits on one thread, not one each. An idle runtime (no deadline) costs
/// the thread nothing, and a runtime whose deadline moves later does not wake it.
///
/// The runtimes tell it their deadlines (`schedule`) under their own lock; it ticks them without its own, so
/// locks are always taken runtime first, timer second.
///
/// `@unchecked Sendable`: `deadlines`, `state` and `thread` are guarded by `condition` (`thread` is also
/// touched by `start` and `stop`, which one owner calls once each).
public final class RuntimeTimer: @unchecked Sendable {
    private enum State: Equatable {
        /// Handling what is due; it looks at the deadlines again before it sleeps.
        case awake
        /// Sleeping until this uptime, or until told (nil).
        case sleeping(until: Duration?)
        case stopping
    }

    private let condition = Condition()
    private var deadlines: [ObjectIdentifier: (runtime: any TimedRuntime, at: Duration)] = [:]
    private var state = State.awake
    private var thread: pthread_t?

    public init() {}

    public func start() {
        condition.withLock {
            guard thread == nil, state != .stopping else { return }
            thread = spawnThread { self.run() }
            precondition(thread != nil, "cannot start the runtime timer's thread")
        }
    }

    /// Ends the thread; deadlines that come due later are not ticked.
    public func stop() {
        let thread: pthread_t? = condition.withLock {
            state = .stopping
            condition.signal()
            defer { self.thread = nil }
            return self.thread
        }
        if let thread { pthread_join(thread, nil) }
    }

    /// When `runtime` next needs a tick (nil: never). Replaces what it scheduled before.
    func schedule(_ runtime: any TimedRuntime, at deadline: Duration?) {
        condition.withLock {
            let key = ObjectIdentifier(runtime)
            guard let deadline else {
                deadlines[key] = nil
                return
            }
            deadlines[key] = (runtime, deadline)
            if case .sleeping(let until) = state, until.map({ deadline < $0 }) ?? true {
                state = .awake
                condition.signal()
            }
        }
    }

    private func run() {
        var due: [(key: ObjectIdentifier, runtime: any TimedRuntime)] = []
        condition.lock()
        while state != .stopping {
            let now = monotonicUptime()
            var earliest: Duration?
            for (key, entry) in deadlines {
                if entry.at <= now {
                    due.append((key, entry.runtime))
                } else if earliest.map({ entry.at < $0 }) ?? true {
                    earliest = entry.at
                }
            }
            if !due.isEmpty {
                for (key, _) in due { deadlines[key] = nil }
                state = .awake
                condition.unlock()
                for (_, runtime) in due { runtime.timerFired(at: now) }
                due.removeAll(keepingCapacity: true)
                condition.lock()
                continue
            }
            state = .sleeping(until: earliest)
            if let earliest { _ = condition.wait(untilUptime: earliest) } else { condition.wait() }
            if state != .stopping { state = .awake }
        }
        condition.unlock()
    }
}

/// A runtime as its timer sees it.
protocol TimedRuntime: AnyObject, Sendable {
    /// Its deadline came (the timer has forgotten it): tick if still due, and schedule what comes next.
    func timerFired(at now: Duration)
}
