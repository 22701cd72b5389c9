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
