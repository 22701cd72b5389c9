import ArgumentParser
import ControlAPI
import EVSimulation
import Fleet
import Logging
import OCPPJ
import Runtime
import Threads
import Transport

/// The stations of a running fleet with what runs beside each (its traffic), as they join and leave: the
/// fleet's start wires them all, the API adds and removes them later. Cutting and restoring a station's link,
/// and switching the traffic, go through here too.
///
/// `@unchecked Sendable`: `members`, `joining` and `generating` are guarded by `lock`; the rest is immutable.
final class FleetMembers: @unchecked Sendable {
    struct Member {
        let station: WiredStation
        /// nil when the fleet runs without vehicles.
        let traffic: Runtime<TrafficHost>?
    }

    private let lock = Lock()
    private var members: [String: Member] = [:]
    /// Identities being added now: two requests for one identity must not both open its data folder.
    private var joining: Set<String> = []
    /// What the traffic switch says now: a station that joins later follows it.
    private var generating: Bool
    let roster = FleetRoster()
    private let options: FleetOptions
    private let shared: FleetShared
    var telemetry: FleetTelemetry { shared.telemetry }
    private let logRecorder: LogRecorder
    private let logger: Logger

    init(options: FleetOptions, shared: FleetShared, logRecorder: LogRecorder, logger: Logger) {
        self.options = options
        self.shared = shared
        self.logRecorder = logRecorder
        self.logger = logger
        generating = options.trafficFromStart
    }

    /// Wires station `plan` of `group` (its store, engine, link, API and traffic) without starting it.
    func wire(_ plan: StationPlan, of group: FleetOptions.Group, options stationOptions: ServeOptions) throws -> WiredStation {
        var stationLogger = logger
        stationLogger[metadataKey: "station"] = "\(plan.identity)"
        let station: WiredStation
        do {
            station =
                switch plan.version {
                case .v16: try Station(options: stationOptions, logRecorder: logRecorder).wire(in: shared, logger: stationLogger)
                case .v201: try StationService201(options: stationOptions, logRecorder: logRecorder).wire(in: shared, logger: stationLogger)
                }
        } catch let error as ValidationError {
            throw ValidationError("station \(plan.identity): \(error.message)")
        }
        let traffic = options.vehicles
            ? try traffic(of: station, plan: plan, group: group, connectors: stationOptions.connectorCount) : nil
        lock.withLock { members[plan.identity] = Member(station: station, traffic: traffic) }
        roster.add(plan.identity, station.api)
        return station
    }

    /// The station's drivers and vehicles, on the fleet's timer, told of the station's changes.
    private func traffic(
        of station: WiredStation, plan: StationPlan, group: FleetOptions.Group, connectors: Int
    ) throws -> Runtime<TrafficHost> {
        let seed = plan.trafficSeed(fleetSeed: options.seed)
        let generator: SessionGenerator
        do {
            generator = try SessionGenerator(
                settings: group.sessions, profile: group.profile, seed: seed, connectors: Array(1...connectors),
                at: monotonicUptime())
        } catch {
            throw ValidationError("the traffic settings: \(error)")
        }
        return TrafficHost.runtime(
            StationTraffic(generator: generator, profile: group.profile, seed: seed),
            generating: lock.withLock { generating }, for: station, timer: shared.timer)
    }

    private func member(_ identity: String) -> Member? { lock.withLock { members[identity] } }

    private var all: [Member] { lock.withLock { Array(members.values) } }

    /// Starts a station wired earlier (at the fleet's ramp); one the API removed meanwhile is left alone.
    func start(_ identity: String) {
        member(identity)?.station.start()
    }

    /// Stops every station and its traffic.
    func stopAll() {
        for member in all {
            member.traffic?.stop()
            member.station.stop()
        }
    }

    // MARK: - What the API does

    /// `POST /api/v1/stations`: a station with the first group's settings but what the body says, started at once.
    func add(_ new: NewStation) throws(Problem) {
        let group = options.groups[0]
        let identity = new.identity
        guard !identity.isEmpty, identity.utf8.count <= 48, !identity.contains("/"), !identity.hasPrefix(".") else {
            throw .stationRefused(
                422, "identity must be 1 to 48 characters, without '/' and not starting with '.' (it names a folder).")
        }
        guard lock.withLock({ members[identity] == nil && joining.insert(identity).inserted }) else {
            throw .stationRefused(409, "The fleet already has a station '\(identity)'.")
        }
        defer { lock.withLock { _ = joining.remove(identity) } }
        do {
            try FleetOptions.raiseDescriptorLimit(stations: roster.count + 1)
        } catch let error as ValidationError {
            throw .stationRefused(422, error.message)
        } catch {
            throw .stationRefused(422, "\(error)")
        }
        let versionText = new.ocpp ?? group.plans[0].version.rawValue
        guard let version = OCPPVersion(rawValue: versionText), group.shared[version] != nil else {
            let spoken = group.shared.keys.map(\.rawValue).sorted().joined(separator: " or ")
            throw .stationRefused(422, "ocpp must be \(spoken) (what the fleet's first group speaks), not '\(versionText)'.")
        }
        let plan = StationPlan(
            number: 0, identity: identity, csms: new.csms ?? group.plans[0].csms, version: version)
        var stationOptions = options.options(of: plan, in: group)
        if let connectors = new.connectors {
            guard (1...100).contains(connectors) else {
                throw .stationRefused(422, "connectors must be from 1 to 100, not \(connectors).")
            }
            stationOptions.connectorCount = connectors
        }
        do {
            try WebSocketClient.validate(configuration: .init(url: stationOptions.csmsURL))
            try wire(plan, of: group, options: stationOptions).start()
        } catch {
            roster.remove(identity)
            lock.withLock { _ = members.removeValue(forKey: identity) }
            throw .stationRefused(422, "\(error)")
        }
        logger.info("station \(identity) joined the fleet")
    }

    /// `DELETE /api/v1/stations/{id}`: the station stops; its data folder stays.
    func remove(_ identity: String) {
        roster.remove(identity)
        guard let member = lock.withLock({ members.removeValue(forKey: identity) }) else { return }
        member.traffic?.stop()
        member.station.stop()
        logger.info("station \(identity) left the fleet")
    }

    var membership: FleetMembership {
        FleetMembership(add: { [self] new throws(Problem) in try add(new) }, remove: { [self] in remove($0) })
    }

    var links: FleetLinks {
        FleetLinks(
            cut: { [self] in member($0)?.station.link.cut() ?? false },
            restore: { [self] in member($0)?.station.link.restore() ?? false },
            isCut: { [self] in member($0)?.station.link.isCut ?? false })
    }

    var traffic: FleetTraffic {
        FleetTraffic(
            state: { [self] in
                var sessions = 0
                var energyWh = 0.0
                for runtime in all.compactMap(\.traffic) {
                    let state = runtime.withHosted(\.state)
                    sessions += state.sessions
                    energyWh += state.energyWh
                }
                return TrafficResource(
                    running: lock.withLock { generating }, sessions: sessions, seed: options.seed, energyWh: energyWh)
            },
            run: { [self] on in
                lock.withLock { generating = on }
                for runtime in all.compactMap(\.traffic) { runtime.handle(.generate(on)) }
            })
    }
}
