/// Exponential backoff with jitter, capped.
///
/// `delay(afterFailures: n)`:
/// - `n <= 0` → `.zero` (nothing failed yet, connect at once);
/// - `n >= 1` → `base = min(initialDelay × multiplier^(n-1), maximumDelay)`, then
///   `base × (1 + jitter × u)` with `u` uniform in `[-1, 1)` drawn from `random`,
///   clamped to `0 ... maximumDelay` (the cap is a hard upper bound, jitter included), and then
///   `randomRange × r` added, `r = (u + 1) / 2` uniform in `[0, 1)`: OCPP 2.0.1's reconnect back-off
///   ([P4] §5.3: double the wait after each failure, up to RetryBackOffRepeatTimes doublings, plus a
///   random part of up to RetryBackOffRandomRange) is `jitter` 0 with a `randomRange`.
///
/// `u` is derived from exactly one `random.next()` call as
/// `u = 2 × Double(next >> 11) / 2^53 − 1`, so the result is reproducible with a seeded
/// generator independently of the standard library's `Double.random` algorithm.
/// Durations are computed at nanosecond resolution.
public struct Backoff: Sendable, Equatable {
    public var initialDelay: Duration
    public var multiplier: Double
    public var maximumDelay: Duration
    public var jitter: Double
    public var randomRange: Duration

    public init(
        initialDelay: Duration = .seconds(1),
        multiplier: Double = 2,
        maximumDelay: Duration = .seconds(30),
        jitter: Double = 0.2,
        randomRange: Duration = .zero
    ) {
        self.initialDelay = initialDelay
        self.multiplier = multiplier
        self.maximumDelay = maximumDelay
        self.jitter = jitter
        self.randomRange = randomRange
    }

    public func delay(afterFailures failures: Int, random: inout some RandomNumberGenerator) -> Duration {
        guard failures > 0 else { return .zero }
        let capNanos = max(0, Backoff.nanoseconds(maximumDelay))
        let initialNanos = max(0, Backoff.nanoseconds(initialDelay))
        // Non-finite or shrinking multipliers are treated as "no growth".
        let factor = (multiplier.isFinite && multiplier >= 1) ? multiplier : 1
        var base = initialNanos == 0 ? 0 : initialNanos * Double.pow(factor, failures - 1)
        if !base.isFinite || base > capNanos { base = capNanos }

        let next = random.next()
        let unit = Double(next >> 11) * 0x1p-53          // [0, 1)
        let spread = (jitter.isFinite && jitter > 0) ? min(jitter, 1) : 0
        var value = base * (1 + spread * (2 * unit - 1))
        if value > capNanos { value = capNanos }
        if value < 0 { value = 0 }
        value += max(0, Backoff.nanoseconds(randomRange)) * unit
        return .nanoseconds(Int64(value.rounded()))
    }

    static func nanoseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e9 + Double(attoseconds) / 1e9
    }
}

extension Double {
    fileprivate static func pow(_ base: Double, _ exponent: Int) -> Double {
        // Repeated squaring; exponent >= 0. Stops growing once the value is infinite.
        var result = 1.0
        var b = base
        var e = exponent
        while e > 0 {
            if e & 1 == 1 { result *= b }
            e >>= 1
            if e > 0 { b *= b }
            if !result.isFinite { return .infinity }
        }
        return result
    }
}
