import EngineSupport
import OCPP201

/// What observers (the event stream) see of the EVSEs: a connector's change once per input that caused it,
/// and the meters every second while energy flows.
extension StationEngine {
    static let meterPublishInterval: Duration = .seconds(1)

    /// `statuses`: `connectorStatuses`, worked out once for the input.
    mutating func publishConnectorChanges(_ statuses: [ConnectorStatus]) {
        for index in evses.indices {
            let snapshot = connectorSnapshot(index, status: statuses[index])
            let comparable = snapshot.withoutMeterReadings
            // Compared without wrapping `comparable` in an optional, which copied it.
            if let published = publishedConnectors[index], published == comparable { continue }
            publishedConnectors[index] = comparable
            publish(.connector(snapshot))
        }
        guard evses.contains(where: { $0.powerW > 0 }) else {
            meterPublishAt = nil
            return
        }
        if let due = meterPublishAt, due > now.uptime { return }
        meterPublishAt = now.uptime + Self.meterPublishInterval
        for evse in evses where evse.powerW > 0 {
            publish(.meter(evseId: evse.id, energyWh: evse.meter.energyWh, powerW: evse.powerW, time: now.wallClock))
        }
    }
}

extension ConnectorSnapshot {
    /// The snapshot without the readings that change continuously, for telling real changes apart.
    var withoutMeterReadings: ConnectorSnapshot {
        var copy = self
        copy.energyWh = 0
        copy.transaction?.energyWh = 0
        return copy
    }
}
