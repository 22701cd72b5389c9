import EngineSupport
import OCPP16

/// What observers (the event stream) see: changes of the station and its connectors, compared with what
/// was last published so that every input yields only the notifications it caused.
extension ChargePointEngine {
    static let meterPublishInterval: Duration = .seconds(1)

    mutating func publishChanges() {
        // Runs after every input: compared without wrapping either side in an optional, which cost copies.
        var station = stationSnapshot
        let uptime = station.uptime
        station.uptime = .zero
        if publishedStation.map({ $0 != station }) ?? true {
            publishedStation = station
            station.uptime = uptime
            emit(.publish(.station(station)))
        }
        if publishedConnectors.count != connectors.count {
            publishedConnectors = Array(repeating: nil, count: connectors.count)
        }
        for index in connectors.indices {
            let snapshot = connectorSnapshot(index)
            let comparable = snapshot.withoutMeterReadings
            if let published = publishedConnectors[index], published == comparable { continue }
            publishedConnectors[index] = comparable
            emit(.publish(.connector(snapshot)))
        }
        if let due = meterPublishAt, due <= now.uptime {
            meterPublishAt = now.uptime + Self.meterPublishInterval
            for connector in connectors where connector.powerW > 0 {
                emit(
                    .publish(
                        .meter(
                            connectorId: connector.id, energyWh: connector.meter.energyWh, powerW: connector.powerW,
                            time: now.wallClock)))
            }
        }
    }

    mutating func publishTransaction(_ event: TransactionEvent, localId: Int) {
        if let snapshot = transactionSnapshot(localId) { emit(.publish(.transaction(event, snapshot))) }
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
