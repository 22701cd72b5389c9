import EVSimulation
import Testing

@testable import Fleet

@Suite struct StationTrafficTests {
    typealias Connector = StationTraffic.Connector

    /// Small batteries that start nearly full, so a session ends within minutes of fake time.
    private var quickProfile: EVProfile { profile(arrivingAt: 80) }

    /// 2 kWh batteries arriving at this charge (the curve's knee is at 80 %).
    private func profile(arrivingAt charge: Double) -> EVProfile {
        var profile = EVProfile()
        profile.capacityKWh = 2...2
        profile.arrivalSoCPercent = charge...charge
        profile.targetSoCPercent = 90
        profile.maxACPowerKW = 11
        return profile
    }

    private func generated(seed: UInt64 = 7, profile: EVProfile? = nil) throws -> StationTraffic {
        var settings = SessionSettings()
        settings.meanIntervalSeconds = 60
        settings.idTags = ["TAG1"]
        let profile = profile ?? quickProfile
        let generator = try SessionGenerator(settings: settings, profile: profile, seed: seed, connectors: [1], at: .zero)
        return StationTraffic(generator: generator, profile: profile, seed: seed)
    }

    /// Runs the traffic to its next deadline; returns the time and what it did.
    private func next(_ traffic: inout StationTraffic) -> (Duration, [StationTraffic.Action]) {
        let deadline = traffic.nextDeadline!
        return (deadline, traffic.tick(at: deadline))
    }

    @Test func aDriverArrivesChargesTaperingAndLeavesWhenFull() throws {
        var traffic = try generated()
        let (arrival, actions) = next(&traffic)
        #expect(actions == [.start(connector: 1, idTag: "TAG1")])
        #expect(traffic.nextDeadline == nil, "nothing to do until the station shows the transaction")

        let started = traffic.observe(Connector(id: 1, plugged: true, charging: true), at: arrival)
        guard case .draw(1, let firstPower)? = started.first else {
            Issue.record("no demand at the start: \(started)")
            return
        }
        #expect(firstPower == 11_000, "below the knee the car takes its full rating")

        var powers = [firstPower]
        var now = arrival
        var left = false
        while !left, now < arrival + .seconds(3600) {
            let (time, actions) = next(&traffic)
            now = time
            for action in actions {
                switch action {
                case .draw(1, let power): powers.append(power)
                case .leave(1): left = true
                default: Issue.record("unexpected \(action)")
                }
            }
        }
        #expect(left, "a 2 kWh battery from 80 % to 90 % is full within minutes")
        #expect(abs(traffic.energyDelivered(at: now) - 200) < 0.5, "10 % of 2 kWh, counted as it was taken")
        #expect(zip(powers, powers.dropFirst()).allSatisfy { $0 > $1 }, "the demand only falls as it fills: \(powers)")
        #expect(traffic.nextDeadline == nil, "the connector stays taken until the cable is out")
        _ = traffic.observe(Connector(id: 1, plugged: false, charging: false), at: now)
        #expect(traffic.nextDeadline.map { $0 > now } == true, "the next driver is scheduled once it is free")
    }

    @Test func theLimitInForceCapsTheDemandAndItsLiftingRestoresIt() throws {
        var traffic = try generated(profile: profile(arrivingAt: 20))
        let (arrival, _) = next(&traffic)
        _ = traffic.observe(Connector(id: 1, plugged: true, charging: true), at: arrival)
        let limited = traffic.observe(Connector(id: 1, plugged: true, charging: true, limitW: 3_000), at: arrival + .seconds(1))
        #expect(limited == [.draw(connector: 1, powerW: 3_000)])
        let lifted = traffic.observe(Connector(id: 1, plugged: true, charging: true), at: arrival + .seconds(2))
        #expect(lifted == [.draw(connector: 1, powerW: 11_000)])
    }

    @Test func aSessionTheStationEndsSendsTheDriverAway() throws {
        var traffic = try generated()
        let (arrival, _) = next(&traffic)
        _ = traffic.observe(Connector(id: 1, plugged: true, charging: true), at: arrival)
        let stopped = traffic.observe(Connector(id: 1, plugged: true, charging: false), at: arrival + .seconds(30))
        #expect(stopped == [.leave(connector: 1)])
    }

    @Test func aRefusedCardSendsTheDriverAwayAndFreesTheConnector() throws {
        var traffic = try generated()
        let (arrival, _) = next(&traffic)
        #expect(traffic.startRefused(connector: 1, at: arrival) == [.leave(connector: 1)])
        #expect(traffic.startRefused(connector: 1, at: arrival) == [], "once")
        _ = traffic.observe(Connector(id: 1, plugged: false, charging: false), at: arrival + .seconds(1))
        #expect(traffic.nextDeadline != nil)
        #expect(traffic.sessionCount == 0)
    }

    @Test func aSessionStartedElsewhereGetsAVehicleAndARemoteStartACableAfterTheDelay() throws {
        var traffic = StationTraffic(generator: nil, profile: profile(arrivingAt: 20), seed: 3)
        let adopted = traffic.observe(Connector(id: 2, plugged: true, charging: true), at: .seconds(10))
        #expect(adopted == [.draw(connector: 2, powerW: 11_000)])
        #expect(traffic.vehicles[2]?.socPercent == 20)
        #expect(traffic.nextDeadline == .seconds(15), "its demand is worked out again 5 s later")

        #expect(traffic.observe(Connector(id: 1, plugged: false, charging: false, awaitingCable: true), at: .seconds(12)) == [])
        #expect(traffic.tick(at: .seconds(15)) == [], "below the knee the demand stays as it was")
        #expect(traffic.nextDeadline == .seconds(17), "the profile's 5 s plug-in delay")
        #expect(traffic.tick(at: .seconds(17)) == [.plugIn(connector: 1)])
        #expect(traffic.observe(Connector(id: 1, plugged: true, charging: true), at: .seconds(17)).count == 1)
        #expect(traffic.sessionCount == 2)
    }

    @Test func aStoppedGeneratorBringsNoOneAndTheSameSeedTheSameDay() throws {
        var stopped = try generated()
        stopped.stopGenerating()
        #expect(stopped.nextDeadline == nil && !stopped.isGenerating)

        func day(seed: UInt64) throws -> [String] {
            var traffic = try generated(seed: seed)
            var log: [String] = []
            var now = Duration.zero
            while now < .seconds(4 * 3600), let deadline = traffic.nextDeadline {
                now = deadline
                for action in traffic.tick(at: now) {
                    log.append("\(now) \(action)")
                    switch action {
                    case .start(let connector, _):
                        for followUp in traffic.observe(Connector(id: connector, plugged: true, charging: true), at: now) {
                            log.append("\(now) \(followUp)")
                        }
                    case .leave(let connector):
                        _ = traffic.observe(Connector(id: connector, plugged: false, charging: false), at: now)
                    default: break
                    }
                }
            }
            return log
        }
        let first = try day(seed: 11)
        #expect(first.count > 20)
        #expect(try day(seed: 11) == first)
        #expect(try day(seed: 12) != first)
    }
}
