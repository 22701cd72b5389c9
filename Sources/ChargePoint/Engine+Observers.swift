import EngineSupport
import OCPP16

/// What observers (the event stream) see: changes of the station and its connectors, compared with what
/// was last published so that every input yields only the notifications it caused.
extension ChargePointEngine {
    static let meterPublishInterval: Duration = .seconds(1)

    mutating func publishChanges() {
        var station = stationSnapshot
        station.uptime = .zero
        if station != publishedStation {
            publishedStation = station
            emit(.publish(.station(stationSnapshot)))
        }
        for index in connectors.indices {
            let snapshot = connectorSnapshot(index)
            let comparable = snapshot.withoutMeterReadings
            if publishedConnectors[snapshot.id] != comparable {
                publishedConnectors[snapshot.id] = comparable
                emit(.publish(.connector(snapshot)))
            }
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
