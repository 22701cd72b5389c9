import EngineSupport
import HTTPServer
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
/// number of series cannot grow without bound whatever the CSMS or an API caller sends. Which sets, the
/// protocol version says (`OCPPVocabulary`); the adapters from each engine's traffic facts live beside
/// their resources.
///
/// `@unchecked Sendable`: the registry is thread-safe; `counters`, `histograms`, `httpSeries` and
/// `frameCounters` are guarded by `lock`.
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
    private var frameCounters: [Counter?]
    private let vocabulary: OCPPVocabulary

    /// `recordHTTP`'s series, by route template, method and status.
    private var httpSeries: [HTTPSeriesKey: HTTPSeries] = [:]

    private struct HTTPSeriesKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private struct HTTPSeries {
        var requests: Counter
        var duration: DurationHistogram
    }

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
    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    /// `version`: the service's, for `chargepoint_build_info`.
    public init(version: String, vocabulary: OCPPVocabulary) {
        self.vocabulary = vocabulary
        buildLabels = [("version", version), ("swift_version", WebContent.swiftVersion), ("ocpp_version", vocabulary.version)]
        frameCounters = [Counter?](repeating: nil, count: FrameKind.count(actions: vocabulary.actions.count))
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

    /// An engine's traffic fact, whichever protocol version it speaks. Inlinable, so that each engine's
    /// facts are matched without a run-time look-up of the generic event's metadata per frame (issue 11).
    @inlinable
    public func record<Action, ErrorCode>(_ event: RPCEvent<Action, ErrorCode>) {
        switch event {
        case .callSent(let action): callSent(action: action.rawValue)
        case .answerReceived(let action, let roundTrip, let errorCode):
            answerReceived(action: action.rawValue, roundTrip: roundTrip, errorCode: errorCode)
        case .callReceived(let action): callReceived(action: action)
        case .answerSent(let action, let errorCode): answerSent(action: action, errorCode: errorCode?.rawValue)
        }
    }

    /// A CALL of ours went out.
    @usableFromInline
    func callSent(action: String) {
        frame(incoming: false, .call, action: action)
    }

    /// The CSMS answered a CALL of ours (`errorCode` set for a CALLERROR).
    @usableFromInline
    func answerReceived(action: String, roundTrip: Duration, errorCode: String?) {
        frame(incoming: true, errorCode == nil ? .callResult : .callError, action: action)
        histogram(.callDuration, labels: [("action", action)]).record(roundTrip)
        if let errorCode { callError(direction: "in", code: knownCode(errorCode)) }
    }

    /// A CALL from the CSMS, whatever its action name.
    @usableFromInline
    func callReceived(action: String) {
        frame(incoming: true, .call, action: action)
    }

    /// We answered a CSMS CALL (`errorCode` set for a CALLERROR).
    @usableFromInline
    func answerSent(action: String, errorCode: String?) {
        frame(incoming: false, errorCode == nil ? .callResult : .callError, action: action)
        if let errorCode { callError(direction: "out", code: errorCode) }
    }

    func recordHTTP(route: String, method: String, status: Int, duration: Duration) {
        let key = HTTPSeriesKey(route: route, method: method, status: status)
        let series = lock.withLock { httpSeries[key] } ?? registerHTTPSeries(key)
        series.requests.increment()
        series.duration.record(duration)
    }

    /// A request's two series, looked up with one hash of its route, method and status rather than two
    /// hashes of label lists built for the registry.
    private func registerHTTPSeries(_ key: HTTPSeriesKey) -> HTTPSeries {
        let series = HTTPSeries(
            requests: counter(.requests, labels: [("route", key.route), ("method", key.method), ("code", String(key.status))]),
            duration: histogram(.requestDuration, labels: [("route", key.route)]))
        lock.withLock { httpSeries[key] = series }
        return series
    }

    /// What a scrape reads of the station now, whichever protocol it speaks.
    struct Reading {
        var link: LinkState
        var registration: String?
        var queuedMessages: Int
        var connectors: [(id: Int, status: String, powerW: Double, energyWh: Double)]
    }

    /// `GET /metrics`'s answer.
    func scrape(_ station: Reading) -> HTTPResponse {
        HTTPResponse(
            status: 200, headers: [(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")],
            body: exposition(station))
    }

    /// The text exposition: what the registry recorded, then what is read now from the station and the process.
    func exposition(_ station: Reading) -> [UInt8] {
        var scraped = Exposition()
        scraped.family("chargepoint_build_info", .gauge, help: "The service's build: 1, with its versions as labels", [
            (labels: buildLabels, value: 1)
        ])
        scraped.family(
            "chargepoint_ocpp_link_up", .gauge, help: "1 while the websocket to the central system is open",
            station.link == .connected ? 1 : 0)
        scraped.family(
            "chargepoint_ocpp_registration", .gauge, help: "1 for the registration status the central system gave",
            vocabulary.registrationStatuses.map { (labels: [("status", $0)], value: station.registration == $0 ? 1 : 0) })
        scraped.family(
            "chargepoint_ocpp_queued_transaction_messages", .gauge, help: "Transaction messages waiting for delivery",
            Double(station.queuedMessages))
        let connectors = station.connectors
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
                vocabulary.connectorStatuses.map { (labels: labels + [("status", $0)], value: connector.status == $0 ? 1 : 0) }
            })
        Self.process(into: &scraped)
        return registry.emitToBuffer() + Array(scraped.text.utf8)
    }

    static func process(into exposition: inout Exposition) {
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

    private func frame(incoming: Bool, _ type: FrameKind.MessageType, action: String) {
        let kind = FrameKind(incoming: incoming, type: type, action: vocabulary.actionPositions[action], vocabulary: vocabulary)
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

    /// Codes other than the protocol's collapse into one label value.
    private func knownCode(_ code: String) -> String {
        vocabulary.errorCodes.contains(code) ? code : "(other)"
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
    /// The action's position in the vocabulary; nil for a name it does not know.
    var action: Int?
    let vocabulary: OCPPVocabulary

    private static let types = MessageType.allCases.count

    /// Every direction, type and action, the unknown one after them all.
    static func count(actions: Int) -> Int { 2 * types * (actions + 1) }

    var index: Int {
        let actions = vocabulary.actions.count + 1
        return ((incoming ? 0 : 1) * Self.types + type.rawValue) * actions + (action ?? actions - 1)
    }

    var labels: [(String, String)] {
        [("direction", incoming ? "in" : "out"), ("type", type.label),
         ("action", action.map { vocabulary.actions[$0] } ?? "(unknown)")]
    }
}

/// What a protocol version names, for the label values of the metrics: bounded sets, so that what a CSMS
/// sends cannot make the series grow.
public struct OCPPVocabulary: Sendable {
    var version: String
    var actions: [String]
    var actionPositions: [String: Int]
    var errorCodes: Set<String>
    var registrationStatuses: [String]
    var connectorStatuses: [String]

    init(version: String, actions: [String], errorCodes: [String], registrationStatuses: [String], connectorStatuses: [String]) {
        self.version = version
        self.actions = actions
        actionPositions = Dictionary(uniqueKeysWithValues: actions.enumerated().map { ($1, $0) })
        self.errorCodes = Set(errorCodes)
        self.registrationStatuses = registrationStatuses
        self.connectorStatuses = connectorStatuses
    }
}
