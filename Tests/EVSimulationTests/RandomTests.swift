import EVSimulation
import Testing
import EngineSupport

@Suite("Seeded randomness")
struct RandomTests {
    @Test func splitMix64GivesThePublishedSequence() {
        // The reference implementation's first outputs for seed 0 (Vigna, splitmix64.c).
        var random = SplitMix64(seed: 0)
        let published: [UInt64] = [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F]
        #expect([random.next(), random.next(), random.next()] == published)
    }

    @Test func theSameSeedGivesTheSameWordsAndStreamsDiffer() {
        var first = SplitMix64(seed: 42, stream: 1)
        var second = SplitMix64(seed: 42, stream: 1)
        var other = SplitMix64(seed: 42, stream: 2)
        let words = (0..<100).map { _ in first.next() }
        #expect(words == (0..<100).map { _ in second.next() })
        #expect(words != (0..<100).map { _ in other.next() })
    }

    @Test func uniformStaysInItsRange() {
        var random = SplitMix64(seed: 7)
        let draws = (0..<10_000).map { _ in random.uniform(in: 40...80) }
        #expect(draws.allSatisfy { (40..<80).contains($0) })
        #expect(abs(draws.reduce(0, +) / 10_000 - 60) < 0.5)
        #expect(random.uniform(in: 5...5) == 5)
    }

    @Test func exponentialHasItsMeanAndShape() {
        var random = SplitMix64(seed: 2024)
        let count = 200_000
        let draws = (0..<count).map { _ in random.exponential(mean: 600) }
        #expect(draws.allSatisfy { $0 >= 0 && $0.isFinite })
        #expect(abs(draws.reduce(0, +) / Double(count) - 600) < 6)
        // P(X > mean) = 1/e for an exponential distribution.
        #expect(abs(Double(draws.count { $0 > 600 }) / Double(count) - 0.367_879) < 0.005)
    }

    @Test func weightedChoiceFollowsTheWeights() {
        var random = SplitMix64(seed: 99)
        var counts = [0, 0, 0]
        for _ in 0..<40_000 { counts[random.index(weightedBy: [1, 0, 3])] += 1 }
        #expect(counts[1] == 0)
        #expect(abs(Double(counts[2]) / 40_000 - 0.75) < 0.01)
    }
}
