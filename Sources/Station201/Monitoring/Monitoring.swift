import EngineSupport
import OCPP201

/// Monitoring ([N07]): after every input each monitor in force looks at its variable, and what it finds goes
/// to the CSMS in NotifyEvent; periodic monitors report on timers. Nothing is looked at while no monitor is set.
extension StationEngine {
    /// More NotifyEvents than this waiting for the link: newer events are dropped, so that an outage with a
    /// restless variable cannot fill the memory.
    static let queuedEventLimit = 1000
    /// Events per NotifyEvent; more go in parts with `seqNo` and `tbc`.
    static let eventsPerMessage = 20

    mutating func watchMonitoredVariables() {
        if !problemNotices.isEmpty {
            queueEvents(problemNotices)
            problemNotices = []
        }
        guard !monitors.isEmpty else { return }
        guard deviceModel.boolean(StandardVariables.monitoringEnabled) else {
            monitorWatches = [:]
            return
        }
        let online = link == .connected
        let level = deviceModel.integer(StandardVariables.activeMonitoringLevel)
        let offlineLevel = deviceModel.integer(StandardVariables.offlineQueuingSeverity)
        var events: [EventData] = []
        for monitor in monitors.all {
            guard monitor.severity <= level, let descriptor = deviceModel.descriptor(at: monitor.address),
                  isWatching(monitor)
            else {
                monitorWatches[monitor.id] = nil
                continue
            }
            // Offline, a monitor above OfflineQueuingSeverity waits: what happens and passes meanwhile stays
            // unseen, what lasts is found once the link is back [N07.FR.04].
            if !online, monitor.severity > offlineLevel { continue }
            if monitor.isPeriodic {
                if monitorWatches[monitor.id] == nil {
                    monitorWatches[monitor.id] = MonitorWatch(reference: "", nextReportAt: nextReport(of: monitor))
                }
                continue
            }
            let value = monitoredValue(descriptor)
            var watch = monitorWatches[monitor.id] ?? MonitorWatch(reference: value)
            if let finding = monitor.observe(value, numeric: descriptor.type.isNumeric, &watch) {
                events.append(event(monitor, descriptor, value: value, cleared: finding == .cleared))
            }
            monitorWatches[monitor.id] = watch
        }
        queueEvents(events)
    }

    /// Periodic monitors whose time has come report their variable's value; offline the report is skipped.
    mutating func reportPeriodicMonitors() {
        var events: [EventData] = []
        for monitor in monitors.all where monitor.isPeriodic {
            guard var watch = monitorWatches[monitor.id], let due = watch.nextReportAt, due <= now.uptime else { continue }
            watch.nextReportAt = nextReport(of: monitor)
            monitorWatches[monitor.id] = watch
            guard link == .connected, let descriptor = deviceModel.descriptor(at: monitor.address) else { continue }
            events.append(event(monitor, descriptor, value: monitoredValue(descriptor), cleared: false))
        }
        queueEvents(events)
    }

    var monitoringSnapshot: MonitoringSnapshot {
        MonitoringSnapshot(
            enabled: deviceModel.boolean(StandardVariables.monitoringEnabled), base: monitors.base,
            level: deviceModel.integer(StandardVariables.activeMonitoringLevel),
            offlineQueuingSeverity: deviceModel.integer(StandardVariables.offlineQueuingSeverity), monitors: monitors.all)
    }

    func considerMonitorDeadlines(_ earliest: inout EarliestDeadline) {
        for watch in monitorWatches.values { earliest.consider(watch.nextReportAt) }
    }

    /// A monitor set for transactions only watches while one runs where its component is [N04 `transaction`].
    private func isWatching(_ monitor: VariableMonitor) -> Bool {
        guard monitor.transaction else { return true }
        if let evseId = monitor.address.component.evseId {
            return evseIndex(evseId).map { evses[$0].transaction != nil } ?? false
        }
        return evses.contains { $0.transaction != nil }
    }

    private func nextReport(of monitor: VariableMonitor) -> Duration {
        let seconds = Int(monitor.value)
        if monitor.type == .periodicClockAligned, let instant = ClockGrid.next(after: now.wallClock, intervalSeconds: seconds) {
            return now.uptime(at: instant)
        }
        return now.uptime + .seconds(seconds)
    }

    /// A WriteOnly variable's value included: the event leaves it out, not the watch.
    private func monitoredValue(_ descriptor: VariableDescriptor) -> String {
        deviceModel.value(of: descriptor, live: { liveValue($0, of: $1) })
    }

    private mutating func event(
        _ monitor: VariableMonitor, _ descriptor: VariableDescriptor, value: String, cleared: Bool
    ) -> EventData {
        nextEventId += 1
        let shown = descriptor.mutability == .writeOnly ? "" : String(value.utf8.prefix(2500)) ?? ""
        let transactionId = monitor.address.component.evseId.flatMap(evseIndex).flatMap { evses[$0].transaction?.id }
        return EventData(
            eventId: nextEventId, timestamp: now.wallClock, trigger: monitor.trigger,
            actualValue: CiString(shown) ?? "", cleared: cleared ? true : nil,
            transactionId: transactionId.flatMap { CiString($0) }, component: monitor.address.component.wireForm,
            variableMonitoringId: monitor.id, eventNotificationType: .customMonitor,
            variable: monitor.address.wireVariable)
    }

    /// The highest event id of the NotifyEvents a previous run left undelivered: ids go on from it, so that
    /// no two events the CSMS receives share one.
    static func lastEventId(in stored: [StoredNotification]) -> Int {
        stored.lazy.filter { $0.action == .notifyEvent }
            .compactMap { try? StrictJSON.decode(NotifyEventRequest.self, from: $0.payload) }
            .flatMap { $0.eventData.map(\.eventId) }
            .max() ?? 0
    }

    /// A fault of the EVSE, or its end, is a hard-wired notice on its `Problem` variable: 2.0.1's
    /// StatusNotification has no error code, so this is how the CSMS learns what the fault is [G05, N07].
    /// The fault's name goes in `techCode`; MonitoringCtrlr's switches and levels are for monitors, not for it.
    /// It goes after the StatusNotification that shows the connector Faulted, with the monitors' events.
    mutating func notifyProblem(_ index: Int, _ fault: String, cleared: Bool) {
        nextEventId += 1
        let evse = ComponentAddress("EVSE", evseId: evses[index].id)
        problemNotices.append(
            EventData(
                eventId: nextEventId, timestamp: now.wallClock, trigger: .alerting, actualValue: cleared ? "false" : "true",
                techCode: CiString(String(fault.utf8.prefix(50)) ?? ""), cleared: cleared ? true : nil,
                transactionId: evses[index].transaction.flatMap { CiString($0.id) }, component: evse.wireForm,
                eventNotificationType: .hardWiredNotification, variable: Variable(name: "Problem")))
    }

    private mutating func queueEvents(_ events: [EventData]) {
        guard !events.isEmpty else { return }
        guard outbox.queuedCount(of: .notifyEvent) < Self.queuedEventLimit else {
            logger.warning("\(events.count) monitoring events dropped: \(Self.queuedEventLimit) NotifyEvents wait for the CSMS")
            return
        }
        let parts = events.parts(of: Self.eventsPerMessage)
        for (seqNo, part) in parts.enumerated() {
            outbox.enqueue(
                NotifyEventRequest(
                    generatedAt: now.wallClock, tbc: parts.toBeContinued(after: seqNo), seqNo: seqNo, eventData: part),
                purpose: .informational)
        }
    }
}

/// The monitors and the MonitoringCtrlr variables that decide which of them raise events, for the API.
public struct MonitoringSnapshot: Sendable, Equatable {
    public var enabled: Bool
    public var base: MonitoringBase
    public var level: Int
    public var offlineQueuingSeverity: Int
    /// In id order.
    public var monitors: [VariableMonitor]
}
