import EVSimulation
import Testing

@Suite("Session generator")
struct SessionGeneratorTests {
    /// An arrival and when its connector was freed.
    typealias Session = (arrival: SessionGenerator.Arrival, freed: Duration)

    private func generator(
        seed: UInt64 = 1, connectors: [Int] = [1, 2], settings: SessionSettings = SessionSettings()
    ) throws -> SessionGenerator {
        try SessionGenerator(settings: settings, profile: EVProfile(), seed: seed, connectors: connectors, at: .zero)
    }

    /// Runs the generator as a runtime would, with every driver leaving at the vehicle's departure time.
    private func drive(_ generator: inout SessionGenerator, count: Int) -> [Session] {
        var sessions: [Session] = []
        var plugged: [Int: SessionGenerator.Arrival] = [:]
        while sessions.count < count {
            let leaving = plugged.values.map { ($0, $0.vehicle.departure!) }
                .min { ($0.1, $0.0.connector) < ($1.1, $1.0.connector) }
            if let (arrival, departure) = leaving, generator.nextDeadline.map({ departure <= $0 }) ?? true {
                generator.connectorFreed(arrival.connector, at: departure)
                plugged[arrival.connector] = nil
                sessions.append((arrival, departure))
                continue
            }
            guard let deadline = generator.nextDeadline else { break }
            for arrival in generator.arrivals(until: deadline) { plugged[arrival.connector] = arrival }
        }
        return sessions
    }

    /// FNV-1a over what identifies each session, to the millisecond and the watt-hour.
    private func fingerprint(_ arrivals: [SessionGenerator.Arrival]) -> UInt64 {
        let text = arrivals.map {
            let departure = $0.vehicle.departure.map { $0 / .milliseconds(1) } ?? -1
            return "\($0.uptime / .milliseconds(1))|\($0.connector)|\($0.idTag)|\(Int($0.vehicle.capacityWh.rounded()))|"
                + "\(Int(($0.vehicle.socPercent * 1000).rounded()))|\(departure)"
        }.joined(separator: "\n")
        return text.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    @Test func theSameSeedGivesTheSameSessions() throws {
        var first = try generator(seed: 2024)
        var second = try generator(seed: 2024)
        let sessions = drive(&first, count: 100).map(\.arrival)
        #expect(sessions.count == 100)
        #expect(sessions == drive(&second, count: 100).map(\.arrival))
        // Pinned, so that a change of algorithm, platform or Swift release that changes the fleet shows here.
        #expect(fingerprint(sessions) == 5_464_424_454_791_318_266)
    }

    @Test func differentSeedsGiveDifferentSessions() throws {
        var first = try generator(seed: 1)
        var second = try generator(seed: 2)
        let firstSessions = drive(&first, count: 20).map(\.arrival)
        #expect(fingerprint(firstSessions) != fingerprint(drive(&second, count: 20).map(\.arrival)))
    }

    @Test func sessionsOnAConnectorNeverOverlap() throws {
        var generator = try generator(connectors: [1, 2, 3])
        let sessions = drive(&generator, count: 300)
        for connector in 1...3 {
            let mine = sessions.filter { $0.arrival.connector == connector }
                .sorted { $0.arrival.uptime < $1.arrival.uptime }
            #expect(mine.count > 50)
            #expect(zip(mine, mine.dropFirst()).allSatisfy { $0.freed <= $1.arrival.uptime })
        }
        #expect(sessions.allSatisfy { (.seconds(1_800)...(.seconds(5_400))).contains($0.freed - $0.arrival.uptime) })
    }

    @Test func anOccupiedConnectorGetsNoArrivalUntilFreed() throws {
        var generator = try generator(connectors: [1])
        let first = generator.arrivals(until: .seconds(86_400))
        #expect(first.count == 1)
        #expect(generator.nextDeadline == nil)
        #expect(generator.arrivals(until: .seconds(10 * 86_400)).isEmpty)
        generator.connectorFreed(1, at: .seconds(90_000))
        #expect(generator.nextDeadline.map { $0 > .seconds(90_000) } == true)
        // Freeing it again, or freeing a connector it does not drive, changes nothing.
        let deadline = generator.nextDeadline
        generator.connectorFreed(1, at: .seconds(95_000))
        generator.connectorFreed(7, at: .seconds(95_000))
        #expect(generator.nextDeadline == deadline)
    }

    @Test func arrivalsOnAFreeConnectorComeAtTheMeanInterval() throws {
        var generator = try generator(seed: 77, connectors: [1])
        var previous = Duration.zero
        var gaps = 0.0
        for _ in 0..<2_000 {
            let arrival = try #require(generator.arrivals(until: generator.nextDeadline!).first)
            gaps += Double((arrival.uptime - previous) / .milliseconds(1)) / 1000
            previous = arrival.uptime
            generator.connectorFreed(1, at: arrival.uptime)
        }
        #expect(abs(gaps / 2_000 - 600) < 30)
    }

    @Test func aStoppedGeneratorIsSilent() throws {
        var settings = SessionSettings()
        settings.enabled = false
        var generator = try generator(settings: settings)
        #expect(!generator.isRunning && generator.nextDeadline == nil)
        #expect(generator.arrivals(until: .seconds(1_000_000)).isEmpty)

        generator.start(at: .seconds(100))
        let deadline = try #require(generator.nextDeadline)
        #expect(deadline > .seconds(100))
        generator.start(at: .seconds(200))
        #expect(generator.nextDeadline == deadline)

        let arrival = try #require(generator.arrivals(until: .seconds(1_000_000)).first)
        generator.stop()
        #expect(generator.nextDeadline == nil)
        generator.connectorFreed(arrival.connector, at: .seconds(1_000_000))
        #expect(generator.nextDeadline == nil)
        #expect(generator.arrivals(until: .seconds(10_000_000)).isEmpty)
    }

    @Test func energySessionsEndWhenTheGoalIsTaken() throws {
        var settings = SessionSettings()
        settings.endsBy = .energy
        settings.energyKWh = 10...10
        var generator = try generator(connectors: [1], settings: settings)
        var vehicle = try #require(generator.arrivals(until: generator.nextDeadline!).first).vehicle
        #expect(vehicle.departure == nil)
        vehicle.charge(at: 11_000, for: .seconds(3 * 3600))
        #expect(vehicle.wantsToLeave(at: .zero))
        #expect(abs(vehicle.sessionEnergyWh - 10_000) < 1e-6)
    }

    @Test func weightedCardsAreDrawnInProportion() throws {
        var settings = SessionSettings()
        settings.idTags = ["RARE", "OFTEN", "NEVER"]
        settings.idTagWeights = ["OFTEN": 4, "NEVER": 0]
        var generator = try generator(connectors: [1], settings: settings)
        var counts: [String: Int] = [:]
        for _ in 0..<5_000 {
            let arrival = try #require(generator.arrivals(until: generator.nextDeadline!).first)
            counts[arrival.idTag, default: 0] += 1
            generator.connectorFreed(1, at: arrival.uptime)
        }
        #expect(counts["NEVER"] == nil)
        #expect(abs(Double(counts["OFTEN"] ?? 0) / 5_000 - 0.8) < 0.02)
    }
}
