import OCPPJ
import Testing

@testable import Fleet

@Suite struct FleetPlanTests {
    @Test func thePatternZeroPadsTheNumberToTheWidthOfItsBraces() throws {
        let pattern = try IdentityPattern(parsing: "CP{0000}")
        #expect(pattern.identity(number: 1) == "CP0001")
        #expect(pattern.identity(number: 9999) == "CP9999")
        #expect(pattern.identity(number: 10000) == nil)
        #expect(try IdentityPattern(parsing: "site-{00}-ac").identity(number: 7) == "site-07-ac")
    }

    @Test func patternsWithoutOneRunOfZerosInBracesAreRefused() {
        for text in ["CP0001", "CP{}", "CP{00x}", "CP{00}{00}", "CP}{00", "CP{0"] {
            #expect(throws: FleetPlanError.self, "\(text)") { try IdentityPattern(parsing: text) }
        }
    }

    @Test func stationsAreNumberedFromTheOffsetAndTakeTheURLsInTurn() throws {
        var random = SystemRandomNumberGenerator()
        let plans = try StationPlan.fleet(
            count: 4, pattern: IdentityPattern(parsing: "CP{000}"), offset: 10, csms: ["ws://a", "ws://b"],
            distribution: .roundRobin, versions: [.v16, .v201], using: &random)
        #expect(plans.map(\.identity) == ["CP010", "CP011", "CP012", "CP013"])
        #expect(plans.map(\.csms) == ["ws://a", "ws://b", "ws://a", "ws://b"])
        #expect(plans.map(\.version) == [.v16, .v201, .v16, .v201])
    }

    @Test func byStationKeepsAStationsCentralSystemWhateverTheCountAndOffset() throws {
        var random = SystemRandomNumberGenerator()
        let urls = ["ws://a", "ws://b", "ws://c"]
        let pattern = try IdentityPattern(parsing: "CP{0000}")
        let small = try StationPlan.fleet(
            count: 50, pattern: pattern, offset: 1, csms: urls, distribution: .byStation, versions: [.v16], using: &random)
        let large = try StationPlan.fleet(
            count: 100, pattern: pattern, offset: 0, csms: urls, distribution: .byStation, versions: [.v16], using: &random)
        let byIdentity = Dictionary(uniqueKeysWithValues: large.map { ($0.identity, $0.csms) })
        for plan in small { #expect(byIdentity[plan.identity] == plan.csms) }
        #expect(Set(large.map(\.csms)) == Set(urls), "every URL gets stations")
    }

    @Test func impossibleFleetsAreRefusedWithWhatToChange() throws {
        var random = SystemRandomNumberGenerator()
        let pattern = try IdentityPattern(parsing: "CP{00}")
        #expect(throws: FleetPlanError.numberTooWide(pattern: "CP{00}", number: 100)) {
            try StationPlan.fleet(
                count: 100, pattern: pattern, offset: 1, csms: ["ws://a"], distribution: .roundRobin, versions: [.v16],
                using: &random)
        }
        #expect(throws: FleetPlanError.invalidCount(0)) {
            try StationPlan.fleet(
                count: 0, pattern: pattern, offset: 1, csms: ["ws://a"], distribution: .roundRobin, versions: [.v16],
                using: &random)
        }
        #expect(throws: FleetPlanError.noCentralSystem) {
            try StationPlan.fleet(
                count: 1, pattern: pattern, offset: 1, csms: [], distribution: .roundRobin, versions: [.v16], using: &random)
        }
        let long = try IdentityPattern(parsing: String(repeating: "x", count: 47) + "{00}")
        #expect(throws: FleetPlanError.identityTooLong(String(repeating: "x", count: 47) + "01")) {
            try StationPlan.fleet(
                count: 1, pattern: long, offset: 1, csms: ["ws://a"], distribution: .roundRobin, versions: [.v16], using: &random)
        }
    }
}

@Suite struct TrafficSeedTests {
    @Test func aStationsTrafficSeedFollowsItsIdentityNotItsPlace() {
        let a = StationPlan(number: 1, identity: "AC-0001", csms: "ws://a", version: .v16)
        let moved = StationPlan(number: 7, identity: "AC-0001", csms: "ws://b", version: .v201)
        let other = StationPlan(number: 1, identity: "DC-0001", csms: "ws://a", version: .v16)
        #expect(a.trafficSeed(fleetSeed: 42) == moved.trafficSeed(fleetSeed: 42))
        #expect(a.trafficSeed(fleetSeed: 42) != other.trafficSeed(fleetSeed: 42), "two groups numbered alike")
        #expect(a.trafficSeed(fleetSeed: 42) != a.trafficSeed(fleetSeed: 43))
    }
}
