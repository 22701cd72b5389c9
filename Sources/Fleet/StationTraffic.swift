import EVSimulation
import EngineSupport

/// The drivers and vehicles of one station: arrivals from a `SessionGenerator` (when traffic runs), and behind
/// every session, whoever started it (the generator, the API, the central system), a vehicle whose demand the
/// station's meter measures until the vehicle leaves: when it is full, at its departure time, or when the
/// station ends the session.
///
/// Pure: it reads no clock and no randomness of its own. The host hands it the time and the connectors as the
/// station shows them, and carries out the actions it returns with the station's commands.
public struct StationTraffic: Sendable {
    /// A connector as the station shows it.
    public struct Connector: Sendable, Equatable {
        public var id: Int
        public var plugged: Bool
        /// A transaction runs on it.
        public var charging: Bool
        /// The limit the charging profiles put on it now, W; nil without one.
        public var limitW: Double?
        /// A driver is authorized here (a remote start) and the cable is not in yet.
        public var awaitingCable: Bool

        public init(id: Int, plugged: Bool, charging: Bool, limitW: Double? = nil, awaitingCable: Bool = false) {
            self.id = id
            self.plugged = plugged
            self.charging = charging
            self.limitW = limitW
            self.awaitingCable = awaitingCable
        }
    }

    public enum Action: Sendable, Equatable {
        /// A driver arrives: the cable goes in and the card is presented (a local start).
        case start(connector: Int, idTag: String)
        /// The cable goes in for a session started from afar (a remote start waiting for it).
        case plugIn(connector: Int)
        /// The vehicle draws this power from now on: what the station's meter measures.
        case draw(connector: Int, powerW: Double)
        /// The driver ends the session if it still runs, and takes the cable.
        case leave(connector: Int)
    }

    private enum Session: Sendable, Equatable {
        /// A start was asked for; the station has not shown its transaction yet.
        case arriving(ElectricVehicle)
        /// The cable goes in at this time.
        case pluggingIn(at: Duration)
        case charging(Charging)
        /// Leaving; free once the station shows the cable out.
        case leaving
    }

    private struct Charging: Sendable, Equatable {
        var vehicle: ElectricVehicle
        var powerW: Double
        var limitW: Double?
        /// Since when `powerW` has been drawn.
        var since: Duration
    }

    /// How often a charging vehicle's demand is worked out again (its curve tapers as it fills).
    public static let updateInterval: Duration = .seconds(5)

    private var generator: SessionGenerator?
    private let profile: EVProfile
    private var random: SplitMix64
    private var sessions: [Int: Session] = [:]

    /// `generator`: nil for a station whose sessions all come from elsewhere (vehicles only).
    public init(generator: SessionGenerator?, profile: EVProfile, seed: UInt64) {
        self.generator = generator
        self.profile = profile
        random = SplitMix64(seed: seed, stream: 0)
    }

    /// Whether generated arrivals are scheduled.
    public var isGenerating: Bool { generator?.isRunning ?? false }

    /// How many sessions have a vehicle behind them now.
    public var sessionCount: Int { sessions.count }

    /// The energy the vehicles took up to their last update, Wh.
    private var energyUpdatedWh: Double = 0

    /// The energy the vehicles have taken since the start, up to `uptime`, Wh.
    public func energyDelivered(at uptime: Duration) -> Double {
        sessions.values.reduce(energyUpdatedWh) { total, session in
            guard case .charging(var charging) = session, uptime > charging.since else { return total }
            return total + charging.vehicle.charge(at: charging.powerW, for: uptime - charging.since)
        }
    }

    /// The vehicles charging now, by connector: their charge and what they draw.
    public var vehicles: [Int: ElectricVehicle] {
        sessions.compactMapValues { session in
            if case .charging(let charging) = session { charging.vehicle } else { nil }
        }
    }

    public var nextDeadline: Duration? {
        var earliest = generator?.nextDeadline
        for session in sessions.values {
            let due: Duration? =
                switch session {
                case .pluggingIn(let at): at
                case .charging(let charging): charging.since + Self.updateInterval
                case .arriving, .leaving: nil
                }
            if let due, earliest.map({ due < $0 }) ?? true { earliest = due }
        }
        return earliest
    }

    public mutating func startGenerating(at uptime: Duration) {
        generator?.start(at: uptime)
    }

    public mutating func stopGenerating() {
        generator?.stop()
    }

    /// Arrivals that are due, plug-ins after a remote start, and the charging vehicles' new demand.
    public mutating func tick(at uptime: Duration) -> [Action] {
        var actions: [Action] = []
        for arrival in generator?.arrivals(until: uptime) ?? [] {
            guard sessions[arrival.connector] == nil else {
                // Someone else's session holds the connector: this driver drives on.
                generator?.connectorFreed(arrival.connector, at: uptime)
                continue
            }
            sessions[arrival.connector] = .arriving(arrival.vehicle)
            actions.append(.start(connector: arrival.connector, idTag: arrival.idTag))
        }
        for (connector, session) in sessions.sorted(by: { $0.key < $1.key }) {
            switch session {
            case .pluggingIn(let at) where at <= uptime:
                sessions[connector] = nil
                actions.append(.plugIn(connector: connector))
            case .charging(var charging) where charging.since + Self.updateInterval <= uptime:
                energyUpdatedWh += charging.vehicle.charge(at: charging.powerW, for: uptime - charging.since)
                charging.since = uptime
                if charging.vehicle.wantsToLeave(at: uptime) {
                    sessions[connector] = .leaving
                    actions.append(.leave(connector: connector))
                } else {
                    actions += demand(of: &charging, on: connector)
                    sessions[connector] = .charging(charging)
                }
            default:
                break
            }
        }
        return actions
    }

    /// A connector changed at the station: a session began (a vehicle is there), ended (the vehicle leaves),
    /// or its limit moved.
    public mutating func observe(_ connector: Connector, at uptime: Duration) -> [Action] {
        let id = connector.id
        switch sessions[id] {
        case nil where connector.charging && connector.plugged:
            return beginCharging(profile.makeVehicle(using: &random, arrivingAt: uptime), connector, at: uptime)
        case nil where connector.awaitingCable:
            sessions[id] = .pluggingIn(at: uptime + .milliseconds(Int64(profile.plugInDelaySeconds * 1000)))
        case .arriving(let vehicle) where connector.charging && connector.plugged:
            return beginCharging(vehicle, connector, at: uptime)
        case .charging(var charging):
            guard connector.charging else {
                // The station ended the session (a remote stop, a fault): the driver takes the car away.
                energyUpdatedWh += charging.vehicle.charge(at: charging.powerW, for: uptime - charging.since)
                sessions[id] = .leaving
                return [.leave(connector: id)]
            }
            guard charging.limitW != connector.limitW else { return [] }
            energyUpdatedWh += charging.vehicle.charge(at: charging.powerW, for: uptime - charging.since)
            charging.since = uptime
            charging.limitW = connector.limitW
            let actions = demand(of: &charging, on: id)
            sessions[id] = .charging(charging)
            return actions
        case .leaving where !connector.plugged:
            sessions[id] = nil
            generator?.connectorFreed(id, at: uptime)
        default:
            break
        }
        return []
    }

    /// The station refused a start (the card, the connector): the driver takes the cable back and leaves.
    public mutating func startRefused(connector: Int, at uptime: Duration) -> [Action] {
        guard case .arriving = sessions[connector] else { return [] }
        sessions[connector] = .leaving
        return [.leave(connector: connector)]
    }

    private mutating func beginCharging(_ vehicle: ElectricVehicle, _ connector: Connector, at uptime: Duration) -> [Action] {
        var charging = Charging(vehicle: vehicle, powerW: -1, limitW: connector.limitW, since: uptime)
        let actions = demand(of: &charging, on: connector.id)
        sessions[connector.id] = .charging(charging)
        return actions
    }

    /// What the vehicle draws now, as an action when it changed by a watt or more.
    private func demand(of charging: inout Charging, on connector: Int) -> [Action] {
        let power = charging.vehicle.power(offeredLimitW: charging.limitW).rounded()
        guard abs(power - charging.powerW) >= 1 else { return [] }
        charging.powerW = power
        return [.draw(connector: connector, powerW: power)]
    }
}
