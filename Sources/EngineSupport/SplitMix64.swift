/// A seeded random number generator (SplitMix64, Steele, Lea and Flood 2014): the same seed gives the same
/// words on every platform and every Swift release, which the standard library's generator does not
/// promise, so a simulated fleet can be replayed exactly.
///
/// One 64-bit word of state, period 2^64; it passes BigCrush, which is more than arrivals of cars need.
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    private var state: UInt64

    public init(seed: UInt64) {
        state = seed
    }

    /// An independent stream of `seed` numbered `stream`: each connector (or station) draws from its own,
    /// so that what happens on one never shifts the numbers another one sees.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SplitMix64(seed: stream)
        state = seed ^ mixer.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
