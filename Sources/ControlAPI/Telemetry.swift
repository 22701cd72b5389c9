import ChargePoint
import OCPP16
import Prometheus
import Threads
import WebContent

/// The Prometheus metrics of `GET /metrics`: OCPP traffic and HTTP requests as they happen, and at scrape
/// time the station's state from a snapshot (so gauges are never stale), the build and the process.
///
/// Names follow Prometheus' conventions: one prefix, `chargepoint_` (but the `process_*` metrics, which
/// keep the names every client library gives them), base units (seconds, joules, watts, bytes), `_total`
/// on counters, `code` for HTTP status codes.
///
/// Label values come from bounded sets (actions, error codes, route templates, connector ids), so the
/// number of series cannot grow without bound whatever the CSMS or an API caller sends.
///
/// `@unchecked Sendable`: the registry is thread-safe; `counters`, `histograms` and `frameCounters` are
/// guarded by `lock`.
public final class Telemetry: @unchecked Sendable {
    private let registry = PrometheusCollectorRegistry()
    /// `chargepoint_build_info`'s labels.
    private let buildLabels: [(String, String)]
    /// The registry validates names and labels at every lookup; a frame must not pay that, so the
    /// metrics recorded per frame are looked up once and kept here by their label values.
    private let lock = Lock()
    private var counters: [CounterKey: Counter] = [:]
    private var histograms: [CounterKey: DurationHistogram] = [:]
    /// `chargepoint_ocpp_frames_total`, kept by position (`FrameKind.index`): every frame counts, so it pays
    /// an array index rather than a hash of its three labels.
    private var frameCounters = [Counter?](repeating: nil, count: FrameKind.count)

    private struct CounterKey: Hashable {
        var metric: PerFrameMetric
        var labels: [String]
    }

    /// The metrics recorded per frame or request.
    private enum PerFrameMetric: Hashable {
        case callErrors, requests, callDuration, requestDuration

        var descriptor: MetricNameDescriptor {
            switch self {
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

    /// `version`: the service's, for `chargepoint_build_info`.
    public init(version: String) {
        buildLabels = [("version", version), ("swift_version", WebContent.swiftVersion), ("ocpp_version", "1.6")]
    }

    /// Names and help texts of the metrics kept in the registry, in one place (computed: the descriptor
    /// type is not Sendable).
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
        static var requests: MetricNameDescriptor {
            name("http", "requests", "total", "HTTP requests answered, by route, method and status code")
        }
        static var requestDuration: MetricNameDescriptor {
            name("http", "request_duration", "seconds", "Time from request to answer")
        }

        private static func name(_ subsystem: String, _ metric: String, _ unit: String, _ help: String) -> MetricNameDescriptor {
            MetricNameDescriptor(namespace: "chargepoint", subsystem: subsystem, metricName: metric, unitName: unit, helpText: help)
        }
    }

    /// Reconnects: every link that came up after the first.
    public func linkEstablished() {
        registry.makeCounter(descriptor: Metric.connections, labels: []).increment()
    }

    public func record(_ event: RPCEvent) {
        switch event {
        case .callSent(let action):
            frame(FrameKind(incoming: false, type: .call, action: action))
        case .answerReceived(let action, let roundTrip, let errorCode):
            frame(FrameKind(incoming: true, type: errorCode == nil ? .callResult : .callError, action: action))
            histogram(.callDuration, labels: [("action", action.rawValue)]).record(roundTrip)
            if let errorCode { callError(direction: "in", code: knownCode(errorCode)) }
        case .callReceived(let action):
            frame(FrameKind(incoming: true, type: .call, action: Action(rawValue: action)))
        case .answerSent(let action, let errorCode):
            frame(FrameKind(incoming: false, type: errorCode == nil ? .callResult : .callError, action: Action(rawValue: action)))
            if let errorCode { callError(direction: "out", code: errorCode.rawValue) }
        }
    }

    func recordHTTP(route: String, method: String, status: Int, duration: Duration) {
        counter(.requests, labels: [("route", route), ("method", method), ("code", String(status))])
            .increment()
        histogram(.requestDuration, labels: [("route", route)]).record(duration)
    }

    /// The text exposition: what the registry recorded, then what is read now from this snapshot and the process.
    func exposition(station: StationSnapshot, connectors: [ConnectorSnapshot]) -> [UInt8] {
        var scraped = Exposition()
        scraped.family("chargepoint_build_info", .gauge, help: "The service's build: 1, with its versions as labels", [
            (labels: buildLabels, value: 1)
        ])
        scraped.family(
            "chargepoint_ocpp_link_up", .gauge, help: "1 while the websocket to the central system is open",
            station.link == .connected ? 1 : 0)
        scraped.family(
            "chargepoint_ocpp_registration", .gauge, help: "1 for the registration status the central system gave",
            RegistrationStatus.allCases.map { (labels: [("status", $0.rawValue)], value: station.registration == $0 ? 1 : 0) })
        scraped.family(
            "chargepoint_ocpp_queued_transaction_messages", .gauge, help: "Transaction messages waiting for delivery",
            Double(station.queuedMessages))
        let ids = connectors.map { [("connector", String($0.id))] }
        scraped.family(
            "chargepoint_connector_power_watts", .gauge, help: "Power delivered now",
            zip(ids, connectors).map { (labels: $0, value: $1.powerW) })
        scraped.family(
            "chargepoint_connector_energy_joules_total", .counter,
            help: "Energy register (1 Wh = 3600 J); it never decreases",
            zip(ids, connectors).map { (labels: $0, value: $1.energyWh * 3600) })
        scraped.family(
            "chargepoint_connector_status", .gauge, help: "1 for the connector's OCPP status",
            zip(ids, connectors).flatMap { labels, connector in
                ChargePointStatus.allCases.map { (labels: labels + [("status", $0.rawValue)], value: connector.status == $0 ? 1 : 0) }
            })
        Self.process(into: &scraped)
        return registry.emitToBuffer() + Array(scraped.text.utf8)
    }

    private static func process(into exposition: inout Exposition) {
        if let process = ProcessMetrics.current() {
            exposition.family(
                "process_cpu_seconds_total", .counter, help: "Total user and system CPU time spent in seconds", process.cpuSeconds)
            exposition.family(
                "process_resident_memory_bytes", .gauge, help: "Resident memory size in bytes", process.residentMemoryBytes)
            exposition.family(
                "process_virtual_memory_bytes", .gauge, help: "Virtual memory size in bytes", process.virtualMemoryBytes)
            exposition.family(
                "process_start_time_seconds", .gauge, help: "Start time of the process since unix epoch in seconds",
                process.startTimeSeconds)
        }
        if let open = ProcessMetrics.openFileDescriptors() {
            exposition.family("process_open_fds", .gauge, help: "Number of open file descriptors", Double(open))
        }
        if let maximum = ProcessMetrics.maximumFileDescriptors() {
            exposition.family("process_max_fds", .gauge, help: "Maximum number of open file descriptors", maximum)
        }
    }

    private func frame(_ kind: FrameKind) {
        lock.withLock {
            if let counter = frameCounters[kind.index] { return counter }
            let counter = registry.makeCounter(descriptor: Metric.frames, labels: kind.labels)
            frameCounters[kind.index] = counter
            return counter
        }.increment()
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

    /// Codes other than 1.6's collapse too, except the 2.0.1 spelling some central systems send.
    private func knownCode(_ code: String) -> String {
        RPCErrorCode(rawValue: code)?.rawValue ?? (code == "FormatViolation" ? code : "(other)")
    }
}

/// The labels of one `chargepoint_ocpp_frames_total` series: direction, message type and action, where
/// unknown action names from the CSMS (nil) collapse into one label value.
private struct FrameKind {
    enum MessageType: Int, CaseIterable {
        case call, callResult, callError

        var label: String {
            switch self {
            case .call: "CALL"
            case .callResult: "CALLRESULT"
            case .callError: "CALLERROR"
            }
        }
    }

    var incoming: Bool
    var type: MessageType
    var action: Action?

    /// Each action's position; the unknown one comes after them all.
    private static let actionPositions = Dictionary(uniqueKeysWithValues: Action.allCases.enumerated().map { ($1, $0) })
    private static let actions = actionPositions.count + 1
    private static let types = MessageType.allCases.count
    static let count = 2 * types * actions

    var index: Int {
        let actionIndex = action.flatMap { Self.actionPositions[$0] } ?? Self.actions - 1
        return ((incoming ? 0 : 1) * Self.types + type.rawValue) * Self.actions + actionIndex
    }

    var labels: [(String, String)] {
        [("direction", incoming ? "in" : "out"), ("type", type.label), ("action", action?.rawValue ?? "(unknown)")]
    }
}
