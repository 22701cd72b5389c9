import Glibc
import Testing
import Threads

@testable import Runtime

/// A hosted engine that records what it handled, with deadlines the test sets. Its effects are a log;
/// each input may leave work for after the lock.
final class RecordingHost: RuntimeHosted {
    enum Input: Equatable { case value(Int), tick }

    var handled: [Input] = []
    var nextDeadline: Duration?
    /// Deadline set by the next input (the engine scheduled something).
    var deadlineAfterNextInput: Duration?
    var afterWork: (@Sendable () -> Void)?
    var lockHeldCheck: (() -> Void)?
    var tick: Input { .tick }

    func run(_ input: Input, after: inout [@Sendable () -> Void]) {
        handled.append(input)
        lockHeldCheck?()
        if case .tick = input { nextDeadline = nil }
        if let deadline = deadlineAfterNextInput {
            nextDeadline = deadline
            deadlineAfterNextInput = nil
        }
        if let afterWork { after.append(afterWork) }
    }
}

/// A flag threads can wait on without sleeping.
final class Signal: @unchecked Sendable {  // guarded by `condition`
    private let condition = Condition()
    private var count = 0
    func raise() { condition.withLock { count += 1; condition.broadcast() } }
    func wait(for times: Int = 1, timeout: Duration = .seconds(5)) -> Bool {
        let deadline = monotonicUptime() + timeout
        return condition.withLock {
            while count < times { if !condition.wait(untilUptime: deadline) { return count >= times } }
            return true
        }
    }
}

@Suite struct RuntimeTests {
    @Test func inputsRunOnTheCallingThreadInOrderUnderTheLock() {
        let host = RecordingHost()
        let runtime = Runtime(host)
        for value in 1...3 { runtime.handle(.value(value)) }
        #expect(runtime.withHosted { $0.handled } == [.value(1), .value(2), .value(3)])
    }

    @Test func inputsFromManyThreadsAreHandledOneAtATime() {
        let host = RecordingHost()
        let runtime = Runtime(host)
        let inside = Shared(0)
        let overlaps = Shared(0)
        runtime.withHosted { host in
            host.lockHeldCheck = {
                if inside.update({ $0 += 1; return $0 }) > 1 { overlaps.update { $0 += 1 } }
                inside.update { $0 -= 1 }
            }
        }
        let done = Signal()
        for thread in 0..<4 {
            _ = spawnThread {
                for value in 0..<500 { runtime.handle(.value(thread * 1000 + value)) }
                done.raise()
            }
        }
        #expect(done.wait(for: 4))
        #expect(runtime.withHosted { $0.handled.count } == 2000)
        #expect(overlaps.get == 0)
        // Each thread's inputs kept their order.
        let handled = runtime.withHosted { $0.handled }
        for thread in 0..<4 {
            let mine = handled.compactMap { input -> Int? in
                if case .value(let value) = input, value / 1000 == thread { value } else { nil }
            }
            #expect(mine == Array(thread * 1000..<thread * 1000 + 500))
        }
    }

    /// Work left for after the lock may call the runtime again (an answer that triggers a new command).
    @Test func workLeftForAfterTheLockRunsWithoutItAndMayReenter() {
        let host = RecordingHost()
        let runtime = Runtime(host)
        let reentered = Shared(false)
        runtime.withHosted { host in
            host.afterWork = {
                guard !reentered.get else { return }
                reentered.set(true)
                runtime.handle(.value(2))
            }
        }
        runtime.handle(.value(1))
        #expect(runtime.withHosted { $0.handled } == [.value(1), .value(2)])
    }

    @Test func aTickRunsOnlyOnceItsDeadlineHasPassed() {
        let host = RecordingHost()
        let runtime = Runtime(host, timer: RuntimeTimer())     // a timer whose thread never runs
        runtime.withHosted { $0.nextDeadline = .seconds(100) }
        runtime.start()
        runtime.timerFired(at: .seconds(99))
        #expect(runtime.withHosted { $0.handled } == [])
        runtime.timerFired(at: .seconds(100))
        #expect(runtime.withHosted { $0.handled } == [.tick])
        runtime.timerFired(at: .seconds(200))
        #expect(runtime.withHosted { $0.handled } == [.tick], "no deadline left")
        runtime.withHosted { $0.nextDeadline = .seconds(300) }
        runtime.stop()
        runtime.timerFired(at: .seconds(300))
        #expect(runtime.withHosted { $0.handled } == [.tick], "stopped: no ticks")
    }

    @Test func theTimerThreadTicksAtTheDeadlineAnInputBrings() {
        let (runtime, ticked) = startedRuntimeSignallingTicks()
        defer { runtime.stop() }
        // Idle: no deadline, the timer thread sleeps. An input brings a deadline 30 ms ahead.
        runtime.withHosted { $0.deadlineAfterNextInput = monotonicUptime() + .milliseconds(30) }
        runtime.handle(.value(1))
        #expect(ticked.wait())
        #expect(runtime.withHosted { $0.handled } == [.value(1), .tick])
    }

    @Test func aNearerDeadlineWakesTheTimerEarlier() {
        let host = RecordingHost()
        let ticked = Signal()
        let runtime = Runtime(host)
        runtime.withHosted { host in
            host.nextDeadline = monotonicUptime() + .seconds(3600)
            host.lockHeldCheck = { if host.handled.last == .tick { ticked.raise() } }
        }
        runtime.start()
        defer { runtime.stop() }
        runtime.withHosted { $0.deadlineAfterNextInput = monotonicUptime() + .milliseconds(20) }
        runtime.handle(.value(1))
        #expect(ticked.wait(timeout: .seconds(5)))
    }

    /// Fleet mode: one timer thread ticks every runtime at its own deadline, each once.
    @Test func oneTimerTicksManyRuntimesEachAtItsDeadline() {
        let timer = RuntimeTimer()
        timer.start()
        defer { timer.stop() }
        let ticked = Signal()
        let base = monotonicUptime()
        let runtimes = (0..<50).map { index in
            let host = RecordingHost()
            host.lockHeldCheck = { if host.handled.last == .tick { ticked.raise() } }
            host.deadlineAfterNextInput = base + .milliseconds(10 + Int64(index % 5) * 10)
            return Runtime(host, timer: timer)
        }
        for runtime in runtimes { runtime.start() }
        for runtime in runtimes { runtime.handle(.value(1)) }
        #expect(ticked.wait(for: 50))
        for runtime in runtimes {
            #expect(runtime.withHosted { $0.handled } == [.value(1), .tick])
            runtime.stop()
        }
    }

    /// A deadline moved later does not make the timer tick early; it ticks at the later one.
    @Test func aLaterDeadlineIsTickedAtItsTimeNotTheOldOne() {
        let (runtime, ticked) = startedRuntimeSignallingTicks()
        defer { runtime.stop() }
        runtime.withHosted { $0.deadlineAfterNextInput = monotonicUptime() + .milliseconds(20) }
        runtime.handle(.value(1))
        let later = monotonicUptime() + .milliseconds(80)
        runtime.withHosted { $0.deadlineAfterNextInput = later }
        runtime.handle(.value(2))
        #expect(ticked.wait())
        #expect(monotonicUptime() >= later)
        #expect(runtime.withHosted { $0.handled } == [.value(1), .value(2), .tick])
    }

    @Test func stopEndsTheTimerThreadPromptlyAndInputsStillRun() {
        let host = RecordingHost()
        let runtime = Runtime(host)
        runtime.withHosted { $0.nextDeadline = monotonicUptime() + .seconds(3600) }
        runtime.start()
        let started = monotonicUptime()
        runtime.stop()
        #expect(monotonicUptime() - started < .seconds(1))
        runtime.handle(.value(7))
        #expect(runtime.withHosted { $0.handled } == [.value(7)])
    }
}

/// A started runtime with its own timer, and a signal raised at every tick it runs.
func startedRuntimeSignallingTicks() -> (Runtime<RecordingHost>, Signal) {
    let ticked = Signal()
    let runtime = Runtime(RecordingHost())
    runtime.withHosted { host in host.lockHeldCheck = { if host.handled.last == .tick { ticked.raise() } } }
    runtime.start()
    return (runtime, ticked)
}

/// A value shared between the test thread and others.
final class Shared<Value>: @unchecked Sendable {  // `value` guarded by `lock`
    private let lock = Lock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    var get: Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
