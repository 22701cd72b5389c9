import ChargePoint
import OCPP16
import Prometheus

/// The Prometheus metrics of `GET /metrics`: OCPP traffic as it happens, HTTP requests, and the station's
/// state read from a snapshot at scrape time (so gauges are never stale).
///
/// Label values come from bounded sets (actions, error codes, route templates, connector ids), so the
/// number of series cannot grow without bound whatever the CSMS or an API caller sends.
public final class Telemetry: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10), .seconds(30),
    ]

    public init() {}

    /// Reconnects: every link that came up after the first.
    public func linkEstablished() {
        registry.makeCounter(name: "ocpp_connections_total", help: "Websocket connections established to the central system").increment()
    }

    public func record(_ event: RPCEvent) {
        switch event {
        case .callSent(let action):
            frame(direction: "out", type: "CALL", action: action.rawValue)
        case .answerReceived(let action, let roundTrip, let errorCode):
            frame(direction: "in", type: errorCode == nil ? "CALLRESULT" : "CALLERROR", action: action.rawValue)
            registry.makeDurationHistogram(
                name: "ocpp_call_duration_seconds", labels: [("action", action.rawValue)], buckets: Self.latencyBuckets,
                help: "Round trip of the charge point's CALLs, sent to answered"
            ).record(roundTrip)
            if let errorCode { callError(direction: "in", code: knownCode(errorCode)) }
        case .callReceived(let action):
            frame(direction: "in", type: "CALL", action: knownAction(action))
        case .answerSent(let action, let errorCode):
            frame(direction: "out", type: errorCode == nil ? "CALLRESULT" : "CALLERROR", action: knownAction(action))
            if let errorCode { callError(direction: "out", code: errorCode.rawValue) }
        }
    }

    func recordHTTP(route: String, method: String, status: Int, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status))]
        registry.makeCounter(name: "http_requests_total", labels: labels, help: "HTTP requests answered").increment()
        registry.makeDurationHistogram(
            name: "http_request_duration_seconds", labels: [("route", route)], buckets: Self.latencyBuckets,
            help: "Time from request to answer"
        ).record(duration)
    }

    /// The text exposition, with the state gauges set from this snapshot first.
    func exposition(
        station: StationSnapshot, connectors: [ConnectorSnapshot]
    ) -> [UInt8] {
        registry.makeGauge(name: "ocpp_link_up", help: "1 while the websocket to the central system is open")
            .set(station.link == .connected ? 1.0 : 0.0)
        for status in RegistrationStatus.allCases {
            registry.makeGauge(
                name: "ocpp_registration", labels: [("status", status.rawValue)],
                help: "1 for the registration status the central system gave"
            ).set(station.registration == status ? 1.0 : 0.0)
        }
        registry.makeGauge(name: "ocpp_queued_transaction_messages", help: "Transaction messages waiting for delivery")
            .set(Double(station.queuedMessages))
        for connector in connectors {
            let id = ("connector", String(connector.id))
            registry.makeGauge(name: "chargepoint_connector_power_watts", labels: [id], help: "Power delivered now")
                .set(connector.powerW)
            registry.makeGauge(name: "chargepoint_connector_energy_wh", labels: [id], help: "Energy register")
                .set(connector.energyWh)
            for status in ChargePointStatus.allCases {
                registry.makeGauge(
                    name: "chargepoint_connector_status", labels: [id, ("status", status.rawValue)],
                    help: "1 for the connector's OCPP status"
                ).set(connector.status == status ? 1.0 : 0.0)
            }
        }
        return registry.emitToBuffer()
    }

    private func frame(direction: String, type: String, action: String) {
        registry.makeCounter(
            name: "ocpp_frames_total", labels: [("direction", direction), ("type", type), ("action", action)],
            help: "OCPP frames by direction (in = from the central system), message type and action"
        ).increment()
    }

    private func callError(direction: String, code: String) {
        registry.makeCounter(
            name: "ocpp_callerrors_total", labels: [("direction", direction), ("code", code)],
            help: "CALLERRORs by direction and error code"
        ).increment()
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
