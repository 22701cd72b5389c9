/// The transaction generator: drivers arriving at a station's connectors at random, each with a card and a
import EngineSupport
/// vehicle, as a Poisson process on each connector (exponential times between arrivals).
///
/// It schedules arrivals only. When a vehicle leaves is the vehicle's own business (`wantsToLeave`): a
/// session with an energy goal ends when the battery has taken it, which depends on the power the station
/// offers, and any session may end early (a remote stop, an unplug, a refused card), all of which only the
/// runtime sees. So a connector is occupied from its arrival until the runtime calls `connectorFreed`, and
/// its next arrival is drawn from that instant: never one onto a car still plugged in.
///
/// Pure: it reads no clock and draws from the seed alone, each connector from its own stream of it, so that
/// the same seed and the same calls give the same arrivals, and what happens on one connector never shifts
/// the arrivals of another.
public struct SessionGenerator: Sendable {
    public struct Arrival: Sendable, Equatable {
        public let uptime: Duration
        public let connector: Int
        public let idTag: String
        public let vehicle: ElectricVehicle
    }

    private let settings: SessionSettings
    private let profile: EVProfile
    private let weights: [Double]
    /// In connector order.
    private var connectors: [Connector]
    public private(set) var isRunning = false

    /// A generator for `connectors` (other connectors of the station are none of its business), running
    /// from `uptime` when the settings say it is enabled. A fleet gives each station its own seed, e.g.
    /// `SplitMix64(seed: fleetSeed, stream: stationNumber).next()`.
    public init(
        settings: SessionSettings, profile: EVProfile, seed: UInt64, connectors: [Int], at uptime: Duration
    ) throws(EVSettingsError) {
        try settings.validate()
        try profile.validate()
        self.settings = settings
        self.profile = profile
        weights = settings.weights
        self.connectors = Set(connectors).sorted().map {
            Connector(id: $0, random: SplitMix64(seed: seed, stream: UInt64(bitPattern: Int64($0))))
        }
        if settings.enabled { start(at: uptime) }
    }

    /// When the next arrival is due; nil when none is scheduled (stopped, or every connector occupied).
    public var nextDeadline: Duration? {
        connectors.compactMap(\.nextArrival).min()
    }

    /// The arrivals due by `uptime`, in order of time (then connector); each connector is occupied from then on.
    public mutating func arrivals(until uptime: Duration) -> [Arrival] {
        var due: [Arrival] = []
        for index in connectors.indices {
            guard let time = connectors[index].nextArrival, time <= uptime else { continue }
            due.append(connectors[index].arrive(at: time, settings: settings, profile: profile, weights: weights))
        }
        return due.sorted { ($0.uptime, $0.connector) < ($1.uptime, $1.connector) }
    }

    /// The vehicle on `connector` has gone (or its session never began) at `uptime`: the next arrival there
    /// is drawn from then. A connector already free, or not the generator's, is left as it is.
    public mutating func connectorFreed(_ connector: Int, at uptime: Duration) {
        guard let index = connectors.firstIndex(where: { $0.id == connector }), connectors[index].state == .occupied
        else { return }
        connectors[index].state = .idle
        if isRunning { connectors[index].schedule(after: uptime, meanSeconds: settings.meanIntervalSeconds) }
    }

    /// Schedules an arrival on every free connector, drawn from `uptime`. Starting a running generator
    /// changes nothing, so that a repeated start does not redraw what was scheduled.
    public mutating func start(at uptime: Duration) {
        guard !isRunning else { return }
        isRunning = true
        for index in connectors.indices where connectors[index].state == .idle {
            connectors[index].schedule(after: uptime, meanSeconds: settings.meanIntervalSeconds)
        }
    }

    /// Drops the arrivals scheduled; sessions under way go on, and their connectors stay occupied until freed.
    public mutating func stop() {
        isRunning = false
        for index in connectors.indices where connectors[index].nextArrival != nil {
            connectors[index].state = .idle
        }
    }
}

extension SessionGenerator {
    /// One connector as the generator sees it, with its own stream of random numbers.
    private struct Connector: Sendable {
        enum State: Equatable {
            /// Free, nothing scheduled: the generator is stopped.
            case idle
            case waiting(until: Duration)
            case occupied
        }

        let id: Int
        var random: SplitMix64
        var state = State.idle

        var nextArrival: Duration? {
            guard case .waiting(let until) = state else { return nil }
            return until
        }

        mutating func schedule(after uptime: Duration, meanSeconds: Double) {
            state = .waiting(until: uptime + .milliseconds(ofSeconds: random.exponential(mean: meanSeconds)))
        }

        /// The driver due at `uptime`: a card, a vehicle, and the session's end (a departure time or an
        /// energy goal).
        mutating func arrive(
            at uptime: Duration, settings: SessionSettings, profile: EVProfile, weights: [Double]
        ) -> Arrival {
            state = .occupied
            let idTag = settings.idTags[random.index(weightedBy: weights)]
            var vehicle = profile.makeVehicle(using: &random)
            switch settings.endsBy {
            case .duration:
                vehicle.departure = uptime + .milliseconds(ofSeconds: random.uniform(in: settings.durationMinutes) * 60)
            case .energy:
                let goalPercent = random.uniform(in: settings.energyKWh) * 1000 / vehicle.capacityWh * 100
                vehicle.targetSoCPercent = min(vehicle.targetSoCPercent, vehicle.socPercent + goalPercent)
            }
            return Arrival(uptime: uptime, connector: id, idTag: idTag, vehicle: vehicle)
        }
    }
}
