import EngineSupport
import Testing
@testable import Transport

@Suite struct BackoffTests {
    let noJitter = Backoff(initialDelay: .seconds(1), multiplier: 2, maximumDelay: .seconds(30), jitter: 0)

    @Test func defaultsMatchTheSpecification() {
        let backoff = Backoff()
        #expect(backoff.initialDelay == .seconds(1))
        #expect(backoff.multiplier == 2)
        #expect(backoff.maximumDelay == .seconds(30))
        #expect(backoff.jitter == 0.2)
    }

    @Test func withoutJitterDelaysDoubleUntilTheCap() {
        var random = SplitMix64(seed: 1)
        let delays = (1...8).map { noJitter.delay(afterFailures: $0, random: &random) }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(16),
                           .seconds(30), .seconds(30), .seconds(30)])
    }

    @Test func zeroOrNegativeFailuresMeanNoDelay() {
        var random = SplitMix64(seed: 1)
        #expect(Backoff().delay(afterFailures: 0, random: &random) == .zero)
        #expect(Backoff().delay(afterFailures: -3, random: &random) == .zero)
    }

    /// After a successful connect the client resets its failure count to 0, so the next
    /// delay is `delay(afterFailures: 1)` == initialDelay again, however long the streak was.
    @Test func resetStartsOverAtTheInitialDelay() {
        var random = SplitMix64(seed: 9)
        _ = (1...20).map { noJitter.delay(afterFailures: $0, random: &random) }
        #expect(noJitter.delay(afterFailures: 1, random: &random) == .seconds(1))
        #expect(noJitter.delay(afterFailures: 2, random: &random) == .seconds(2))
    }

    @Test func hugeFailureCountsStayAtTheCap() {
        var random = SplitMix64(seed: 3)
        #expect(noJitter.delay(afterFailures: 10_000, random: &random) == .seconds(30))
        #expect(noJitter.delay(afterFailures: Int.max, random: &random) == .seconds(30))
        let fast = Backoff(initialDelay: .milliseconds(1), multiplier: 1e300, maximumDelay: .seconds(5), jitter: 0.2)
        #expect(fast.delay(afterFailures: 50, random: &random) <= .seconds(5))
    }

    @Test func exactJitteredValuesForASeededGenerator() {
        // Expected values computed independently (Python, same formula and SplitMix64).
        var random = SplitMix64(seed: 42)
        let nanos = (1...7).map { failures -> Int64 in
            let d = Backoff().delay(afterFailures: failures, random: &random)
            return d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
        }
        #expect(nanos == [1_096_625_952, 1_727_928_314, 3_645_761_808, 7_501_410_293,
                          13_043_393_079, 30_000_000_000, 26_620_862_325])
    }

    @Test func sameSeedSameSequence() {
        var a = SplitMix64(seed: 2024)
        var b = SplitMix64(seed: 2024)
        let first = (1...10).map { Backoff().delay(afterFailures: $0, random: &a) }
        let second = (1...10).map { Backoff().delay(afterFailures: $0, random: &b) }
        #expect(first == second)
    }

    @Test func jitterExtremes() {
        var lowest = ConstantRandom(value: 0)                       // u = -1
        var middle = ConstantRandom(value: 1 << 63)                 // u = 0
        var highest = ConstantRandom(value: .max)                   // u → +1
        let backoff = Backoff()
        #expect(backoff.delay(afterFailures: 1, random: &lowest) == .milliseconds(800))
        #expect(backoff.delay(afterFailures: 1, random: &middle) == .seconds(1))
        #expect(backoff.delay(afterFailures: 1, random: &highest) == .milliseconds(1200))
        #expect(backoff.delay(afterFailures: 3, random: &highest) == .milliseconds(4800))
        // The cap is a hard bound, jitter included.
        #expect(backoff.delay(afterFailures: 6, random: &highest) == .seconds(30))
        #expect(backoff.delay(afterFailures: 6, random: &lowest) == .seconds(24))
    }

    /// [P4] §5.3 with TC_B_57's settings (WaitMinimum 10, RandomRange 0, RepeatTimes 2): 10, 20, 40, 40 …;
    /// a RandomRange adds up to that much after the cap.
    @Test func ocpp201ReconnectBackOffDoublesRepeatTimesThenHoldsPlusARandomPart() {
        let backoff = Backoff(
            initialDelay: .seconds(10), multiplier: 2, maximumDelay: .seconds(40), jitter: 0, randomRange: .zero)
        var random = SplitMix64(seed: 5)
        #expect((1...5).map { backoff.delay(afterFailures: $0, random: &random) } ==
                [.seconds(10), .seconds(20), .seconds(40), .seconds(40), .seconds(40)])
        var ranged = backoff
        ranged.randomRange = .seconds(4)
        var lowest = ConstantRandom(value: 0)
        var middle = ConstantRandom(value: 1 << 63)
        var highest = ConstantRandom(value: .max)
        #expect(ranged.delay(afterFailures: 1, random: &lowest) == .seconds(10))
        #expect(ranged.delay(afterFailures: 1, random: &middle) == .seconds(12))
        #expect(ranged.delay(afterFailures: 4, random: &highest) > .seconds(43.99))
        #expect(ranged.delay(afterFailures: 4, random: &highest) <= .seconds(44))
    }

    @Test func jitterStaysWithinBounds() {
        let backoff = Backoff()
        for seed in UInt64(0)..<300 {
            var random = SplitMix64(seed: seed)
            for failures in 1...8 {
                let base = min(Double(1 << (failures - 1)), 30)
                let delay = backoff.delay(afterFailures: failures, random: &random)
                let seconds = Double(delay.components.seconds) + Double(delay.components.attoseconds) * 1e-18
                #expect(seconds >= base * 0.8 - 1e-9)
                #expect(seconds <= min(base * 1.2, 30) + 1e-9)
            }
        }
    }

    @Test func degenerateParametersAreSafe() {
        var random = ConstantRandom(value: .max)
        let shrinking = Backoff(initialDelay: .seconds(2), multiplier: 0.5, maximumDelay: .seconds(30), jitter: 0)
        #expect(shrinking.delay(afterFailures: 5, random: &random) == .seconds(2))
        let initialAboveCap = Backoff(initialDelay: .seconds(60), multiplier: 2, maximumDelay: .seconds(30), jitter: 0)
        #expect(initialAboveCap.delay(afterFailures: 1, random: &random) == .seconds(30))
        let zero = Backoff(initialDelay: .zero, multiplier: 2, maximumDelay: .seconds(30), jitter: 0.2)
        #expect(zero.delay(afterFailures: 3, random: &random) == .zero)
        var low = ConstantRandom(value: 0)
        let wild = Backoff(initialDelay: .seconds(1), multiplier: 2, maximumDelay: .seconds(30), jitter: 5)
        #expect(wild.delay(afterFailures: 1, random: &low) == .zero)      // jitter clamped to 100 %
    }
}
