import OCPP201

/// What a monitor remembers of its variable between two looks ([N07]): not persisted, since a restart
/// looks again from the value then.
struct MonitorWatch: Sendable, Equatable {
    /// A Delta monitor's value of reference: the one its last event reported, or the one when watching began.
    var reference: String
    /// A threshold monitor's value is beyond its threshold, and the Alerting event went out.
    var alerting = false
    /// When a periodic monitor reports next.
    var nextReportAt: Duration?
}

/// Why a monitor raises an event.
enum MonitorFinding: Sendable, Equatable {
    /// Beyond the threshold [N07.FR.02].
    case crossed
    /// Back within it: the same event, `cleared` [N07.FR.02].
    case cleared
    /// Changed by more than the delta, or at all for a value that is not a number [N07.FR.19].
    case changed
}

extension VariableMonitor {
    /// Looks at `value` now; a finding when it raises an event. Periodic monitors report on their timer instead.
    func observe(_ value: String, numeric: Bool, _ watch: inout MonitorWatch) -> MonitorFinding? {
        switch type {
        case .upperThreshold, .lowerThreshold:
            guard let number = Double(value) else { return nil }
            let beyond = type == .upperThreshold ? number > self.value : number < self.value
            guard beyond != watch.alerting else { return nil }
            watch.alerting = beyond
            return beyond ? .crossed : .cleared
        case .delta:
            let changed: Bool
            if numeric, let number = Double(value), let reference = Double(watch.reference) {
                changed = abs(number - reference) > self.value
            } else {
                changed = value != watch.reference
            }
            guard changed else { return nil }
            watch.reference = value
            return .changed
        case .periodic, .periodicClockAligned:
            return nil
        }
    }

    var isPeriodic: Bool { type == .periodic || type == .periodicClockAligned }

    /// The event trigger of this kind of monitor.
    var trigger: EventTrigger {
        switch type {
        case .upperThreshold, .lowerThreshold: .alerting
        case .delta: .delta
        case .periodic, .periodicClockAligned: .periodic
        }
    }
}
