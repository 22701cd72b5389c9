#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The draws the simulation makes, each from whole words of the generator by a mapping written here, so
/// that a seed gives the same fleet whatever the standard library's `Double.random` does in a later release.
extension RandomNumberGenerator {
    /// Uniform in [0, 1): the top 53 bits of one word, every value a multiple of 2^-53.
    public mutating func unitInterval() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in `range` (its lower bound when the range is a single value).
    public mutating func uniform(in range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unitInterval()
    }

    /// Exponentially distributed with mean `mean`: the time to the next event of a Poisson process, by
    /// inversion. `1 - u` lies in (0, 1], so the logarithm is finite.
    public mutating func exponential(mean: Double) -> Double {
        -mean * log(1 - unitInterval())
    }

    /// An index of `weights`, each drawn in proportion to its weight; a zero weight is never drawn.
    /// The weights are non-negative with a positive sum (settings are validated before they get here).
    public mutating func index(weightedBy weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0, "weights with a positive sum")
        let target = unitInterval() * total
        var sum = 0.0
        for (index, weight) in weights.enumerated() where weight > 0 {
            sum += weight
            if target < sum { return index }
        }
        // Rounding in the sum can leave `target` just above it: the last drawable index is meant.
        return weights.lastIndex { $0 > 0 }!
    }
}
