import OCPP16

/// Periodic meter values during transactions ([CORE] §4.7, [ERR] 3.14–3.16).
extension ChargePointEngine {
    static let nominalVoltage = 230.0
    static let phases = 3.0

    mutating func scheduleSample(connectorIndex index: Int) {
        let interval = configuration.integer(.meterValueSampleInterval)
        connectors[index].nextSampleAt =
            interval > 0 && connectors[index].transactionLocalId != nil ? now.uptime + .seconds(interval) : nil
    }

    mutating func sampleMeter(connectorIndex index: Int) {
        guard let due = connectors[index].nextSampleAt, let localId = connectors[index].transactionLocalId,
            var record = transactions[localId]
        else {
            connectors[index].nextSampleAt = nil
            return
        }
        let sampled = configuration.measurands(.meterValuesSampledData)
        if !sampled.isEmpty {
            let reading = meterValue(connectorIndex: index, sampled, context: .samplePeriodic)
            enqueueTransactionMessage(.meterValues(connectorId: connectors[index].id, meterValue: [reading]), localId: localId)
        }
        let stopData = configuration.measurands(.stopTxnSampledData)
        if !stopData.isEmpty {
            record.stopTransactionData.append(meterValue(connectorIndex: index, stopData, context: .samplePeriodic))
            // Keep Transaction.Begin and the latest periodic readings: StopTransaction stays bounded.
            if record.stopTransactionData.count > Self.stopTransactionDataLimit - 1 {
                record.stopTransactionData.remove(at: 1)
            }
            transactions[localId] = record
            persist(.saveTransaction(record))
        }
        persist(.saveConnector(connectors[index].record))
        // Stay on the grid counted from the transaction start, unless the engine fell behind it.
        let interval = Duration.seconds(configuration.integer(.meterValueSampleInterval))
        let next = due + interval
        connectors[index].nextSampleAt = next > now.uptime ? next : now.uptime + interval
    }

    /// One reading of the given measurands, all taken at this instant.
    func meterValue(connectorIndex index: Int, _ measurands: [Measurand], context: ReadingContext) -> MeterValue {
        let connector = connectors[index]
        let offeredW = settings.simulatedPowerW
        let values = measurands.map { measurand -> SampledValue in
            let (value, unit): (String, UnitOfMeasure) =
                switch measurand {
                case .energyActiveImportRegister: (String(wattHours(connector.meter.energyWh)), .wh)
                case .powerActiveImport: (decimal(connector.powerW, digits: 0), .w)
                case .powerOffered: (decimal(offeredW, digits: 0), .w)
                case .currentImport: (decimal(connector.powerW / (Self.nominalVoltage * Self.phases), digits: 1), .a)
                case .currentOffered: (decimal(offeredW / (Self.nominalVoltage * Self.phases), digits: 1), .a)
                default: (decimal(Self.nominalVoltage, digits: 0), .v)
                }
            return SampledValue(value: value, context: context, measurand: measurand, unit: unit)
        }
        return MeterValue(timestamp: now.wallClock, sampledValue: values)
    }
}

/// A reading as OCPP carries it: a decimal string with a fixed number of fraction digits.
func decimal(_ value: Double, digits: Int) -> String {
    guard value.isFinite else { return "0" }
    let scale = (0..<digits).reduce(1) { product, _ in product * 10 }
    let scaled = Int(max(-9e15, min(9e15, (value * Double(scale)).rounded())))
    guard digits > 0 else { return String(scaled) }
    let fraction = String(abs(scaled) % scale)
    let padding = String(repeating: "0", count: digits - fraction.count)
    return "\(scaled < 0 ? "-" : "")\(abs(scaled) / scale).\(padding)\(fraction)"
}
