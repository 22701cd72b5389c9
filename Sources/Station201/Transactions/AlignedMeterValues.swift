import EngineSupport
import OCPP201

/// Clock-aligned meter values ([J01]): on the grid of AlignedDataCtrlr.Interval, MeterValues for each EVSE
/// without a transaction and a TransactionEvent Updated (MeterValueClock) for each with one [J01.FR.22];
/// on the grid of AlignedDataCtrlr.TxEndedInterval, a sample kept for each transaction's Ended event.
/// Kept on the wall clock, so a clock the CSMS sets moves the grid with it.
extension StationEngine {
    mutating func takeDueAlignedSamples() {
        let interval = deviceModel.integer(StandardVariables.alignedInterval)
        if let due = Self.next(&alignedSampleAt, every: interval, now: now.wallClock) { sampleAligned(at: due) }
        let endedInterval = deviceModel.integer(StandardVariables.alignedTxEndedInterval)
        if let due = Self.next(&alignedEndedSampleAt, every: endedInterval, now: now.wallClock) {
            keepAlignedEndedSamples(at: due)
        }
    }

    func considerAlignedDeadlines(_ earliest: inout EarliestDeadline) {
        earliest.consider(alignedSampleAt.map(now.uptime(at:)))
        earliest.consider(alignedEndedSampleAt.map(now.uptime(at:)))
    }

    /// The grid instant that has come, if one has, with `instant` moved to the next. A grid that the interval
    /// left, or that a clock set back or forward by more than an interval left, is laid again without a
    /// reading for an instant that never was. Static: as a method of the engine, its `inout` into the
    /// engine's own property made Swift copy the whole engine at every input.
    private static func next(_ instant: inout Timestamp?, every interval: Int, now: Timestamp) -> Timestamp? {
        guard let time = instant else {
            instant = ClockGrid.next(after: now, intervalSeconds: interval)
            return nil
        }
        let remaining = time.millisecondsSince1970 - now.millisecondsSince1970
        if abs(remaining) > Int64(interval) * 1000 || interval == 0 {
            instant = ClockGrid.next(after: now, intervalSeconds: interval)
            return nil
        }
        guard remaining <= 0 else { return nil }
        instant = ClockGrid.next(after: now, intervalSeconds: interval)
        return time
    }

    private mutating func sampleAligned(at time: Timestamp) {
        let measurands = deviceModel.list(StandardVariables.alignedMeasurands)
        guard !measurands.isEmpty else { return }
        let transactionRuns = evses.contains { $0.transaction != nil }
        if transactionRuns && deviceModel.boolean(StandardVariables.alignedSendDuringIdle) { return }
        for index in evses.indices {
            guard let value = reading(index, measurands, .sampleClock, at: time) else { continue }
            if evses[index].transaction != nil {
                queueEvent(index, .updated, TransactionCause(trigger: .meterValueClock, stoppedReason: .local), meterValue: [value])
            } else if link == .connected && registration.isAccepted {
                // Outside transactions the readings are informational: none is kept for a later connection.
                outbox.enqueue(MeterValuesRequest(evseId: evses[index].id, meterValue: [value]), purpose: .informational)
            }
        }
    }

    private mutating func keepAlignedEndedSamples(at time: Timestamp) {
        let measurands = deviceModel.list(StandardVariables.alignedTxEndedMeasurands)
        for index in evses.indices {
            guard evses[index].transaction != nil, let value = reading(index, measurands, .sampleClock, at: time)
            else { continue }
            keepForEnded(index, value)
        }
    }

    /// TriggerMessage(MeterValues): the AlignedDataCtrlr.Measurands of the named EVSE, or of every EVSE,
    /// context Trigger [F06.FR.06].
    mutating func queueTriggeredMeterValues(_ targets: [Int]) {
        let measurands = deviceModel.list(StandardVariables.alignedMeasurands)
        for index in targets {
            guard let value = reading(index, measurands, .trigger, at: now.wallClock) else { continue }
            outbox.enqueue(
                MeterValuesRequest(evseId: evses[index].id, meterValue: [value]), purpose: .informational,
                allowedWhilePending: true)
        }
    }

    func reading(_ index: Int, _ measurands: [String], _ context: ReadingContext, at time: Timestamp) -> MeterValue? {
        MeterReading.sample(
            measurands, energyWh: evses[index].meter.energyWh, powerW: evses[index].powerW, context: context, at: time)
    }
}
