import EngineSupport
import OCPPJ

/// A test harness around an engine that asks for ticks at deadlines: its clocks move only when the test
/// moves them, and `advance(by:)` delivers a tick at every deadline the engine asks for on the way, as the
/// runtime's timer thread would.
public protocol FakeClockHarness {
    /// The monotonic clock.
    var uptime: Duration { get set }
    /// The wall clock, in milliseconds since 1970; a test may set it apart from `uptime` (a clock jump).
    var wallClock: Int64 { get set }
    /// When the engine next needs a tick.
    var nextDeadline: Duration? { get }
    /// Hands the engine its tick at the present `now`.
    mutating func tick()
}

extension FakeClockHarness {
    public var now: Now { Now(uptime: uptime, wallClock: Timestamp(millisecondsSince1970: wallClock)) }

    public mutating func advance(by duration: Duration) {
        let target = uptime + duration
        while let deadline = nextDeadline, deadline <= target {
            step(to: deadline)
            tick()
        }
        step(to: target)
        tick()
    }

    /// Both clocks move by the same amount.
    private mutating func step(to newUptime: Duration) {
        let delta = newUptime - uptime
        wallClock += Int64(delta.components.seconds * 1000 + delta.components.attoseconds / 1_000_000_000_000_000)
        uptime = newUptime
    }
}
