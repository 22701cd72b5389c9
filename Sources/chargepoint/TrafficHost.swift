import Fleet
import Runtime
import Threads

/// A station's traffic (`StationTraffic`) on a `Runtime`, carrying out its actions with the station's own
/// commands (`StationControls`) and told of the station's connector changes.
///
/// The changes come from the station's engine under the station runtime's lock, so what the traffic decides
/// on them is not carried out then (a command back into the station would wait for that very lock): it is
/// kept, the deadline becomes "now", and the timer thread carries it out with no lock held.
///
/// Used under its runtime's lock only (`RuntimeHosted`).
final class TrafficHost: RuntimeHosted {
    enum Input {
        case tick
        case observed(StationChange)
        case startRefused(connector: Int)
        case generate(Bool)
    }

    private var traffic: StationTraffic
    private let controls: StationControls
    private var pending: [StationTraffic.Action] = []
    /// Whether drivers should arrive (the fleet's traffic switch).
    private var generating: Bool
    /// The station has been registered once: drivers arrive from then on, so that what a seed gives does not
    /// depend on how fast the central system took the station.
    private var registered = false
    /// Told when the station refuses a start; set once the runtime exists.
    var startRefused: @Sendable (Int) -> Void = { _ in }

    init(traffic: StationTraffic, generating: Bool, controls: StationControls) {
        self.traffic = traffic
        self.generating = generating
        self.controls = controls
    }

    /// A station's traffic on a runtime (on `timer`, or a timer of its own), told of the station's changes,
    /// started.
    static func runtime(
        _ traffic: StationTraffic, generating: Bool, for station: WiredStation, timer: RuntimeTimer?
    ) -> Runtime<TrafficHost> {
        let host = TrafficHost(traffic: traffic, generating: generating, controls: station.controls)
        let runtime = Runtime(host, timer: timer)
        host.startRefused = { [weak runtime] (connector: Int) in runtime?.handle(.startRefused(connector: connector)) }
        station.changes.listen { [weak runtime] (change: StationChange) in runtime?.handle(.observed(change)) }
        runtime.start()
        return runtime
    }

    var tick: Input { .tick }

    var nextDeadline: Duration? { pending.isEmpty ? traffic.nextDeadline : .zero }

    /// Sessions with a vehicle behind them, whether arrivals are generated, and the energy the vehicles took.
    var state: (sessions: Int, generating: Bool, energyWh: Double) {
        (traffic.sessionCount, generating, traffic.energyDelivered(at: monotonicUptime()))
    }

    func run(_ input: Input, after: inout [@Sendable () -> Void]) {
        let now = monotonicUptime()
        switch input {
        case .observed(.connector(let connector)):
            pending += traffic.observe(connector, at: now)
        case .observed(.registered):
            registered = true
            if generating { traffic.startGenerating(at: now) }
        case .startRefused(let connector):
            pending += traffic.startRefused(connector: connector, at: now)
        case .generate(let on):
            generating = on
            if !on {
                traffic.stopGenerating()
            } else if registered {
                traffic.startGenerating(at: now)
            }
        case .tick:
            let actions = pending + traffic.tick(at: now)
            pending = []
            guard !actions.isEmpty else { return }
            let controls = controls
            let refused = startRefused
            after.append {
                for action in actions { controls.perform(action, { refused($0) }) }
            }
        }
    }
}

/// What a driver and a vehicle do to a station, in the commands of the protocol it speaks.
struct StationControls: Sendable {
    /// Carries out the action; `refused` is told the connector when a start is refused.
    let perform: @Sendable (StationTraffic.Action, _ refused: @escaping @Sendable (Int) -> Void) -> Void
}

/// What a station's traffic hears of it.
enum StationChange: Sendable {
    case connector(StationTraffic.Connector)
    /// The central system accepted the station's registration.
    case registered
}

/// A station's changes, for whoever listens (a fleet's traffic); nothing before someone does.
///
/// `@unchecked Sendable`: `listener` is guarded by `lock`.
final class StationFeed: @unchecked Sendable {
    private let lock = Lock()
    private var listener: (@Sendable (StationChange) -> Void)?

    func listen(_ listener: @escaping @Sendable (StationChange) -> Void) {
        lock.withLock { self.listener = listener }
    }

    func send(_ change: StationChange) {
        lock.withLock { listener }?(change)
    }
}
