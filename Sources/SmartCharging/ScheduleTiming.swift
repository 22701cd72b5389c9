import OCPP16

/// The limit one profile imposes at an instant, in the profile's own unit.
struct ScheduledLimit: Sendable, Equatable {
    var value: Double
    var unit: ChargingRateUnit
    /// As the period gives it; absent means 3 (reference §3.1).
    var numberPhases: Int?
}

/// Instants are milliseconds since 1970, as in ``Timestamp``. Sums saturate: startPeriod and
/// duration come from the central system, and an absurd value must mean "never", not a trap.
enum Instant {
    static func adding(seconds: Int, to instant: Int64) -> Int64 {
        let (milliseconds, overflow) = Int64(clamping: seconds).multipliedReportingOverflow(by: 1000)
        if overflow {
            return seconds < 0 ? .min : .max
        }
        let (sum, sumOverflow) = instant.addingReportingOverflow(milliseconds)
        if sumOverflow {
            return milliseconds < 0 ? .min : .max
        }
        return sum
    }
}

extension RecurrencyKind {
    /// The schedule restarts every 24 h or every 7 days from startSchedule ([ERR] 3.78).
    var periodMilliseconds: Int64 {
        switch self {
        case .daily: 86_400_000
        case .weekly: 604_800_000
        }
    }
}

/// When a profile is in force and which period applies ([CORE] §3.13, reference §6.13 "Stacking" and "Timing").
extension ChargingProfile {
    /// The period in force at `instant`, or nil when the profile is not in force then: outside
    /// validFrom..<validTo, before its schedule starts, or past its duration.
    ///
    /// - Parameter relativeStart: where a Relative schedule begins: the transaction start, or
    ///   the requested window's start when no transaction runs.
    func scheduledLimit(at instant: Int64, relativeStart: Int64) -> ScheduledLimit? {
        if let validFrom, instant < validFrom.millisecondsSince1970 { return nil }
        if let validTo, instant >= validTo.millisecondsSince1970 { return nil }
        guard let start = scheduleStart(at: instant, relativeStart: relativeStart) else { return nil }
        let schedule = chargingSchedule
        if let duration = schedule.duration, instant >= Instant.adding(seconds: duration, to: start) {
            return nil
        }
        guard
            let period = schedule.chargingSchedulePeriod.last(where: {
                Instant.adding(seconds: $0.startPeriod, to: start) <= instant
            })
        else { return nil }
        return ScheduledLimit(value: period.limit, unit: schedule.chargingRateUnit, numberPhases: period.numberPhases)
    }

    /// Where the schedule occurrence covering `instant` began; nil before the first one. A
    /// recurring schedule's first occurrence is at startSchedule, so it is not in force earlier.
    private func scheduleStart(at instant: Int64, relativeStart: Int64) -> Int64? {
        let start: Int64
        switch chargingProfileKind {
        case .absolute:
            guard let startSchedule = chargingSchedule.startSchedule else { return nil }
            start = startSchedule.millisecondsSince1970
        case .relative:
            start = relativeStart
        case .recurring:
            guard let first = chargingSchedule.startSchedule?.millisecondsSince1970, let recurrencyKind,
                instant >= first
            else { return nil }
            let period = recurrencyKind.periodMilliseconds
            start = first + (instant - first) / period * period
        }
        return instant >= start ? start : nil
    }

    /// Every instant in `window` at which this profile's limit may change: validity bounds,
    /// period starts and duration ends of each occurrence. A superset is harmless, since the
    /// composite merges equal neighbours.
    func boundaries(in window: Range<Int64>, relativeStart: Int64) -> [Int64] {
        var instants = [validFrom?.millisecondsSince1970, validTo?.millisecondsSince1970].compactMap { $0 }
        for start in occurrenceStarts(in: window, relativeStart: relativeStart) {
            instants.append(start)
            for period in chargingSchedule.chargingSchedulePeriod {
                instants.append(Instant.adding(seconds: period.startPeriod, to: start))
            }
            if let duration = chargingSchedule.duration {
                instants.append(Instant.adding(seconds: duration, to: start))
            }
        }
        return instants.filter(window.contains)
    }

    /// The starts of the occurrences that can be in force during `window`.
    private func occurrenceStarts(in window: Range<Int64>, relativeStart: Int64) -> [Int64] {
        switch chargingProfileKind {
        case .absolute:
            return chargingSchedule.startSchedule.map { [$0.millisecondsSince1970] } ?? []
        case .relative:
            return [relativeStart]
        case .recurring:
            guard let first = chargingSchedule.startSchedule?.millisecondsSince1970, let recurrencyKind else {
                return []
            }
            let period = recurrencyKind.periodMilliseconds
            var start = window.lowerBound > first ? first + (window.lowerBound - first) / period * period : first
            var starts: [Int64] = []
            while start < window.upperBound {
                starts.append(start)
                start += period
            }
            return starts
        }
    }
}
