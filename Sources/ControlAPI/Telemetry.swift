import ChargePoint
import OCPP16
import Prometheus
import Threads

/// The Prometheus metrics of `GET /metrics`: OCPP traffic as it happens, HTTP requests, and the station's
/// state read from a snapshot at scrape time (so gauges are never stale).
///
/// Label values come from bounded sets (actions, error codes, route templates, connector ids), so the
/// number of series cannot grow without bound whatever the CSMS or an API caller sends.
///
/// `@unchecked Sendable`: the registry is thread-safe; `counters` and `histograms` are guarded by `lock`.
public final class Telemetry: @unchecked Sendable {
    private let registry = PrometheusCollectorRegistry()
    /// The registry validates names and labels at every lookup; a frame must not pay that, so the
    /// metrics recorded per frame are looked up once and kept here by their label values.
    private let lock = Lock()
    private var counters: [CounterKey: Counter] = [:]
    private var histograms: [CounterKey: DurationHistogram] = [:]

    private struct CounterKey: Hashable {
        var metric: PerFrameMetric
        var labels: [String]
    }

    /// The metrics recorded per frame or request.
    private enum PerFrameMetric: Hashable {
        case frames, callErrors, requests, callDuration, requestDuration

        var descriptor: MetricNameDescriptor {
            switch self {
            case .frames: Metric.frames
            case .callErrors: Metric.callErrors
            case .requests: Metric.requests
            case .callDuration: Metric.callDuration
            case .requestDuration: Metric.requestDuration
            }
        }
    }
    private static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    public init() {}

    /// Metric names and help texts, in one place (computed: the descriptor type is not Sendable).
    private enum Metric {
        static var connections: MetricNameDescriptor {
            name("ocpp", "connections", "total", "Websocket connections established to the central system")
        }
        static var frames: MetricNameDescriptor {
            name("ocpp", "frames", "total", "OCPP frames by direction (in = from the central system), message type and action")
        }
        static var callDuration: MetricNameDescriptor {
            name("ocpp", "call_duration", "seconds", "Round trip of the charge point's CALLs, sent to answered")
        }
        static var callErrors: MetricNameDescriptor {
            name("ocpp", "callerrors", "total", "CALLERRORs by direction and error code")
        }
        static var linkUp: MetricNameDescriptor {
            name("ocpp", "link", "up", "1 while the websocket to the central system is open")
        }
        static var registration: MetricNameDescriptor {
            name("ocpp", "registration", "", "1 for the registration status the central system gave")
        }
        static var queued: MetricNameDescriptor {
            name("ocpp", "queued_transaction", "messages", "Transaction messages waiting for delivery")
        }
        static var power: MetricNameDescriptor {
            name("chargepoint", "connector_power", "watts", "Power delivered now")
        }
        static var energy: MetricNameDescriptor {
            name("chargepoint", "connector_energy", "wh", "Energy register")
        }
        static var status: MetricNameDescriptor {
            name("chargepoint", "connector_status", "", "1 for the connector's OCPP status")
        }
        static var requests: MetricNameDescriptor {
            name("http", "requests", "total", "HTTP requests answered")
        }
        static var requestDuration: MetricNameDescriptor {
            name("http", "request_duration", "seconds", "Time from request to answer")
        }

        private static func name(_ namespace: String, _ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: namespace, metricName: metric, unitName: unit, helpText: help)
        }
    }

    /// Reconnects: every link that came up after the first.
    public func linkEstablished() {
        registry.makeCounter(descriptor: Metric.connections, labels: []).increment()
    }

    public func record(_ event: RPCEvent) {
        switch event {
        case .callSent(let action):
            frame(direction: "out", type: "CALL", action: action.rawValue)
        case .answerReceived(let action, let roundTrip, let errorCode):
            frame(direction: "in", type: errorCode == nil ? "CALLRESULT" : "CALLERROR", action: action.rawValue)
            histogram(.callDuration, labels: [("action", action.rawValue)]).record(roundTrip)
            if let errorCode { callError(direction: "in", code: knownCode(errorCode)) }
        case .callReceived(let action):
            frame(direction: "in", type: "CALL", action: knownAction(action))
        case .answerSent(let action, let errorCode):
            frame(direction: "out", type: errorCode == nil ? "CALLRESULT" : "CALLERROR", action: knownAction(action))
            if let errorCode { callError(direction: "out", code: errorCode.rawValue) }
        }
    }

    func recordHTTP(route: String, method: String, status: Int, duration: Duration) {
        counter(.requests, labels: [("route", route), ("method", method), ("status", String(status))])
            .increment()
        histogram(.requestDuration, labels: [("route", route)]).record(duration)
    }

    /// The text exposition, with the state gauges set from this snapshot first.
    func exposition(
        station: StationSnapshot, connectors: [ConnectorSnapshot]
    ) -> [UInt8] {
        registry.makeGauge(descriptor: Metric.linkUp, labels: []).set(station.link == .connected ? 1.0 : 0.0)
        for status in RegistrationStatus.allCases {
            registry.makeGauge(descriptor: Metric.registration, labels: [("status", status.rawValue)])
                .set(station.registration == status ? 1.0 : 0.0)
        }
        registry.makeGauge(descriptor: Metric.queued, labels: []).set(Double(station.queuedMessages))
        for connector in connectors {
            let id = ("connector", String(connector.id))
            registry.makeGauge(descriptor: Metric.power, labels: [id]).set(connector.powerW)
            registry.makeGauge(descriptor: Metric.energy, labels: [id]).set(connector.energyWh)
            for status in ChargePointStatus.allCases {
                registry.makeGauge(descriptor: Metric.status, labels: [id, ("status", status.rawValue)])
                    .set(connector.status == status ? 1.0 : 0.0)
            }
        }
        return registry.emitToBuffer()
    }

    private func frame(direction: String, type: String, action: String) {
        counter(.frames, labels: [("direction", direction), ("type", type), ("action", action)]).increment()
    }

    private func callError(direction: String, code: String) {
        counter(.callErrors, labels: [("direction", direction), ("code", code)]).increment()
    }

    private func counter(_ metric: PerFrameMetric, labels: [(String, String)]) -> Counter {
        let key = CounterKey(metric: metric, labels: labels.map(\.1))
        return lock.withLock {
            if let counter = counters[key] { return counter }
            let counter = registry.makeCounter(descriptor: metric.descriptor, labels: labels)
            counters[key] = counter
            return counter
        }
    }

    private func histogram(_ metric: PerFrameMetric, labels: [(String, String)]) -> DurationHistogram {
        let key = CounterKey(metric: metric, labels: labels.map(\.1))
        return lock.withLock {
            if let histogram = histograms[key] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: metric.descriptor, labels: labels, buckets: Self.latencyBuckets)
            histograms[key] = histogram
            return histogram
        }
    }

    /// Unknown action names from the CSMS collapse into one label value.
    private func knownAction(_ name: String) -> String {
        Action(rawValue: name)?.rawValue ?? "(unknown)"
    }

    /// Codes other than 1.6's collapse too, except the 2.0.1 spelling some central systems send.
    private func knownCode(_ code: String) -> String {
        RPCErrorCode(rawValue: code)?.rawValue ?? (code == "FormatViolation" ? code : "(other)")
    }
}
