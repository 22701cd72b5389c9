import EngineSupport
import Prometheus
import Threads

/// What a fleet's `/metrics` adds up over its stations as it happens: the round trips of their CALLs and the
/// CALLERRORs, by OCPP version and action, with no label per station (a thousand stations must not mean a
/// thousand series per metric). Each station's own metrics stay at `/api/v1/stations/{id}/metrics`.
///
/// `@unchecked Sendable`: the registry is thread-safe; `histograms` and `errors` are guarded by `lock`.
package final class FleetTelemetry: @unchecked Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let lock = Lock()
    private var histograms: [[String]: DurationHistogram] = [:]
    private var errors: [[String]: Counter] = [:]
    /// How many of the stations' commits waited for a sync of the disk, and how many syncs carried them.
    let storeCommits: @Sendable () -> (commits: UInt64, syncs: UInt64)

    package init(storeCommits: @escaping @Sendable () -> (commits: UInt64, syncs: UInt64)) {
        self.storeCommits = storeCommits
    }

    /// A station's traffic fact; `version` is the protocol it speaks.
    package func record<Action, ErrorCode>(_ event: RPCEvent<Action, ErrorCode>, version: String) {
        switch event {
        case .answerReceived(let action, let roundTrip, let errorCode):
            histogram(version: version, action: action.rawValue).record(roundTrip)
            if errorCode != nil { callError(version: version, direction: "in") }
        case .answerSent(_, .some):
            callError(version: version, direction: "out")
        case .callSent, .callReceived, .answerSent:
            break
        }
    }

    /// The families recorded so far, as Prometheus text.
    var exposition: [UInt8] { registry.emitToBuffer() }

    private func histogram(version: String, action: String) -> DurationHistogram {
        lock.withLock {
            if let histogram = histograms[[version, action]] { return histogram }
            let histogram = registry.makeDurationHistogram(
                descriptor: MetricNameDescriptor(
                    namespace: "chargepoint", subsystem: "fleet_ocpp", metricName: "call_duration", unitName: "seconds",
                    helpText: "Round trip of the stations' CALLs, sent to answered, by OCPP version and action"),
                labels: [("ocpp_version", version), ("action", action)], buckets: Telemetry.latencyBuckets)
            histograms[[version, action]] = histogram
            return histogram
        }
    }

    private func callError(version: String, direction: String) {
        lock.withLock {
            if let counter = errors[[version, direction]] { return counter }
            let counter = registry.makeCounter(
                descriptor: MetricNameDescriptor(
                    namespace: "chargepoint", subsystem: "fleet_ocpp", metricName: "callerrors", unitName: "total",
                    helpText: "CALLERRORs of the stations by OCPP version and direction (in = from the central system)"),
                labels: [("ocpp_version", version), ("direction", direction)])
            errors[[version, direction]] = counter
            return counter
        }.increment()
    }
}
