import OCPPJ

/// An engine's notion of "now", handed in with every input so that no engine ever reads a clock: a
/// monotonic reading for timers and timeouts, and the wall-clock time for timestamps. Tests hand in any.
public struct Now: Sendable, Equatable {
    public var uptime: Duration
    public var wallClock: Timestamp

    public init(uptime: Duration, wallClock: Timestamp) {
        self.uptime = uptime
        self.wallClock = wallClock
    }
}

/// Identifies an API caller waiting for an engine's answer.
public struct ReplyID: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public var description: String { "#\(rawValue)" }
}

/// A station's websocket to its central system, as its engine sees it.
public enum LinkState: String, Sendable, Equatable {
    case connected, connecting, disconnected
}

/// The earliest of the deadlines it is shown that lie after `now`: what an engine's `nextDeadline` reports.
/// Deadlines already passed are left out: every input runs the timers that are due, so one still past due
/// waits for something else (the link, an answer), and reporting it would make the runtime spin.
public struct EarliestDeadline {
    public let now: Duration
    public private(set) var value: Duration?

    public init(after now: Duration) {
        self.now = now
    }

    public mutating func consider(_ deadline: Duration?) {
        guard let deadline, deadline > now, value.map({ deadline < $0 }) ?? true else { return }
        value = deadline
    }
}

/// The instants of a clock-aligned interval: multiples of it counted from midnight UTC, as the clock-aligned
/// meter values of both protocols use them ([CORE 1.6] §4.7, [2.0.1 J01]).
public enum ClockGrid {
    /// The first grid instant after `time`; nil when the interval is 0 (no aligned readings).
    public static func next(after time: Timestamp, intervalSeconds: Int) -> Timestamp? {
        let interval = Int64(intervalSeconds) * 1000
        guard interval > 0 else { return nil }
        return Timestamp(millisecondsSince1970: (time.millisecondsSince1970 / interval + 1) * interval)
    }
}

extension Now {
    /// When the monotonic clock reaches the wall-clock instant `time` (now, for one already past).
    public func uptime(at time: Timestamp) -> Duration {
        uptime + .milliseconds(max(0, time.millisecondsSince1970 - wallClock.millisecondsSince1970))
    }
}

/// A traffic fact of an engine, one per frame, for the metrics: the same for every protocol version, with
/// that version's actions and CALLERROR codes.
public enum RPCEvent<Action: RawRepresentable & Sendable & Equatable, ErrorCode: RawRepresentable & Sendable & Equatable>:
    Sendable, Equatable where Action.RawValue == String, ErrorCode.RawValue == String
{
    case callSent(Action)
    /// The CSMS answered a CALL of ours (`errorCode` set for a CALLERROR).
    case answerReceived(Action, roundTrip: Duration, errorCode: String?)
    case callReceived(action: String)
    /// We answered a CSMS CALL (`errorCode` set for a CALLERROR).
    case answerSent(action: String, errorCode: ErrorCode?)
}
