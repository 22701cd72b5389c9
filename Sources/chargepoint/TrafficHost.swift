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
        case observed(StationTraffic.Connector)
        case startRefused(connector: Int)
        case generate(Bool)
    }

    private var traffic: StationTraffic
    private let controls: StationControls
    private var pending: [StationTraffic.Action] = []
    /// Told when the station refuses a start; set once the runtime exists.
    var startRefused: @Sendable (Int) -> Void = { _ in }

    init(traffic: StationTraffic, controls: StationControls) {
        self.traffic = traffic
        self.controls = controls
    }

    var tick: Input { .tick }

    var nextDeadline: Duration? { pending.isEmpty ? traffic.nextDeadline : .zero }

    /// Sessions with a vehicle behind them, and whether arrivals are generated.
    var state: (sessions: Int, generating: Bool) { (traffic.sessionCount, traffic.isGenerating) }

    func run(_ input: Input, after: inout [@Sendable () -> Void]) {
        let now = monotonicUptime()
        switch input {
        case .observed(let connector):
            pending += traffic.observe(connector, at: now)
        case .startRefused(let connector):
            pending += traffic.startRefused(connector: connector, at: now)
        case .generate(let on):
            if on { traffic.startGenerating(at: now) } else { traffic.stopGenerating() }
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

/// A station's connector changes, for whoever listens (a fleet's traffic); nothing before someone does.
///
/// `@unchecked Sendable`: `listener` is guarded by `lock`.
final class ConnectorFeed: @unchecked Sendable {
    private let lock = Lock()
    private var listener: (@Sendable (StationTraffic.Connector) -> Void)?

    func listen(_ listener: @escaping @Sendable (StationTraffic.Connector) -> Void) {
        lock.withLock { self.listener = listener }
    }

    func send(_ connector: StationTraffic.Connector) {
        lock.withLock { listener }?(connector)
    }
}
