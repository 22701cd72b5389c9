import EngineSupport
import OCPP16

/// Periodic meter values during transactions ([CORE] §4.7, [ERR] 3.14–3.16).
extension ChargePointEngine {
    static let nominalVoltage = 230.0
    static let phases = 3.0

    /// The next instant on the grid of ClockAlignedDataInterval counted from midnight UTC ([CORE] §4.7);
    /// nil when the interval is 0.
    mutating func scheduleAlignedSample() {
        alignedSampleTime = ClockGrid.next(after: now.wallClock, intervalSeconds: configuration.integer(.clockAlignedDataInterval))
    }

    /// Takes the aligned sample when its instant has come. Kept on the wall clock, so a clock that is set
    /// (NTP, or a CSMS's currentTime) moves the grid with it instead of sampling off the grid.
    mutating func sampleAlignedIfDue() {
        guard let time = alignedSampleTime else { return }
        let remaining = time.millisecondsSince1970 - now.wallClock.millisecondsSince1970
        if remaining <= 0 {
            sampleAligned(at: time)
        } else if remaining > Int64(configuration.integer(.clockAlignedDataInterval)) * 1000 {
            scheduleAlignedSample()  // the clock went back
        }
    }

    var nextAlignedSample: Duration? {
        alignedSampleTime.map(now.uptime(at:))
    }

    /// Clock-aligned readings, stamped with the grid instant: for every transaction (as transaction
    /// messages, and into StopTxnAlignedData), and for the main meter while online.
    mutating func sampleAligned(at time: Timestamp) {
        let measurands = configuration.measurands(.meterValuesAlignedData)
        let stopData = configuration.measurands(.stopTxnAlignedData)
        for index in connectors.indices {
            guard let localId = connectors[index].transactionLocalId, var record = transactions[localId] else { continue }
            if !measurands.isEmpty {
                let reading = meterValue(connectorIndex: index, measurands, context: .sampleClock, at: time)
                enqueueTransactionMessage(.meterValues(connectorId: connectors[index].id, meterValue: [reading]), localId: localId)
            }
            if !stopData.isEmpty {
                record.keepForStopTransaction(meterValue(connectorIndex: index, stopData, context: .sampleClock, at: time))
                transactions[localId] = record
                persist(.saveTransaction(record))
            }
        }
        if !measurands.isEmpty && isOnline {
            enqueue(
                MeterValuesRequest(
                    connectorId: 0, transactionId: nil,
                    meterValue: [stationMeterValue(measurands, context: .sampleClock, at: time)]),
                purpose: .informational)
        }
        scheduleAlignedSample()
    }

    /// Stores a higher ceiling for every simulated register that comes close to its own (`Meter`), before
    /// anything can show more; the snapshot published after it carries the new ceiling.
    mutating func raiseMeterCeilings() {
        for index in connectors.indices {
            let powerW = connectors[index].powerW
            guard connectors[index].meter.ceilingDue(powerW: powerW) == .zero else { continue }
            connectors[index].meter.raiseCeiling(powerW: powerW)
            persist(.saveConnector(connectors[index].record))
            revision &+= 1
        }
    }

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
            record.keepForStopTransaction(meterValue(connectorIndex: index, stopData, context: .samplePeriodic))
            transactions[localId] = record
            persist(.saveTransaction(record))
        }
        persist(.saveConnector(connectors[index].record))
        // Stay on the grid counted from the transaction start, unless the engine fell behind it.
        let interval = Duration.seconds(configuration.integer(.meterValueSampleInterval))
        let next = due + interval
        connectors[index].nextSampleAt = next > now.uptime ? next : now.uptime + interval
    }

    /// One reading of the given measurands of a connector, all taken at this instant.
    func meterValue(
        connectorIndex index: Int, _ measurands: [Measurand], context: ReadingContext, at time: Timestamp? = nil
    ) -> MeterValue {
        let connector = connectors[index]
        let offered = min(settings.simulatedPowerW, connector.limitW ?? .infinity)
        let reading = Reading(energyWh: connector.meter.energyWh, powerW: connector.powerW, offeredW: offered)
        return reading.meterValue(measurands, context: context, at: time ?? now.wallClock)
    }

    /// The main meter (connector 0): what all connectors draw together.
    func stationMeterValue(_ measurands: [Measurand], context: ReadingContext, at time: Timestamp) -> MeterValue {
        let reading = Reading(
            energyWh: connectors.map(\.meter.energyWh).reduce(0, +), powerW: connectors.map(\.powerW).reduce(0, +),
            offeredW: settings.simulatedPowerW * Double(connectors.count))
        return reading.meterValue(measurands, context: context, at: time)
    }
}

/// What a meter shows at one instant, and how each supported measurand is derived from it.
struct Reading {
    var energyWh: Double
    var powerW: Double
    var offeredW: Double

    func meterValue(_ measurands: [Measurand], context: ReadingContext, at time: Timestamp) -> MeterValue {
        let perPhase = ChargePointEngine.nominalVoltage * ChargePointEngine.phases
        let values = measurands.map { measurand -> SampledValue in
            let (value, unit): (String, UnitOfMeasure) =
                switch measurand {
                case .energyActiveImportRegister: (String(wattHours(energyWh)), .wh)
                case .powerActiveImport: (decimal(powerW, digits: 0), .w)
                case .powerOffered: (decimal(offeredW, digits: 0), .w)
                case .currentImport: (decimal(powerW / perPhase, digits: 1), .a)
                case .currentOffered: (decimal(offeredW / perPhase, digits: 1), .a)
                default: (decimal(ChargePointEngine.nominalVoltage, digits: 0), .v)
                }
            return SampledValue(value: value, context: context, measurand: measurand, unit: unit)
        }
        return MeterValue(timestamp: time, sampledValue: values)
    }
}

extension TransactionRecord {
    /// Readings for StopTransaction.transactionData: Transaction.Begin and the latest ones, at most
    /// StopTransactionMaxMeterValues in all, so a long session's StopTransaction stays bounded.
    mutating func keepForStopTransaction(_ reading: MeterValue) {
        stopTransactionData.append(reading)
        if stopTransactionData.count > ChargePointEngine.stopTransactionDataLimit - 1 {
            stopTransactionData.remove(at: 1)
        }
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
