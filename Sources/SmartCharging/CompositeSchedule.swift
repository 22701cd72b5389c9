import OCPP16

/// What limits a connector over time: the composite of the installed profiles ([CORE] §3.13,
/// §5.7; reference §6.13 "Composite schedule").
///
/// At each instant a connector is limited by the minimum of the ChargePointMaxProfile and its
/// transaction limit: its TxProfile, else its own TxDefaultProfile, else connector 0's. Within
/// each of those the highest stackLevel in force wins, and when it ends (validTo, duration, a gap
/// in its recurrence) the next one down takes over. Limits are compared as total watts, since
/// amperes per phase only compare at equal phase counts.
extension ChargingProfiles {
    /// The longest window a composite covers. GetCompositeSchedule's duration is unbounded, and a
    /// year of daily recurrences is already thousands of periods; the result's `duration`
    /// tells the central system when a request was cut short.
    public static let longestCompositeDuration = 366 * 86_400

    /// The schedule for GetCompositeSchedule.conf: from `start` for `duration` seconds, periods
    /// relative to `start` and merged where consecutive ones have the same limit and phases,
    /// without startSchedule ([ERR] 3.57; the response's scheduleStart carries `start`).
    ///
    /// Never nil: where no profile is in force the connector is still limited by what it can
    /// deliver, `ratedPowerW`, which the composite includes as a local limit ([CORE] §5.7: the
    /// result of "all active schedules and possible local limits"). A connector without any profile thus
    /// reports one period at its rating, so GetCompositeSchedule is `Accepted` for every existing
    /// connector; `Rejected` is only for an unknown one, which the engine knows.
    ///
    /// Every period carries its numberPhases explicitly (the winning limit's, capped by `phases`).
    /// Periods start on whole seconds, as startPeriod is an integer: a change between two seconds
    /// shows from the next second.
    ///
    /// - Parameters:
    ///   - connectorId: 0 gives the whole charge point's limit, the ChargePointMaxProfile only.
    ///   - unit: the requested chargingRateUnit; values in the other unit are converted.
    ///   - transactionStart: where Relative schedules begin; nil (no transaction) makes them
    ///     begin at `start`, as if a transaction started now.
    ///   - phases: how many phases the connector is wired for (1...3).
    ///   - ratedPowerW: the most the connector (or, for 0, the charge point) can deliver.
    public func compositeSchedule(
        connectorId: Int, from start: Timestamp, duration: Int, unit: ChargingRateUnit,
        transactionStart: Timestamp?, phases: Int, ratedPowerW: Double
    ) -> ChargingSchedule {
        let seconds = min(max(duration, 0), Self.longestCompositeDuration)
        let from = start.millisecondsSince1970
        let window = from..<Instant.adding(seconds: seconds, to: from)
        let relativeStart = transactionStart?.millisecondsSince1970 ?? from
        let conversion = ElectricalConversion(phases: phases)
        let rating = ScheduledLimit(value: ratedPowerW, unit: .watts, numberPhases: nil)

        var offsets: Set<Int> = [0]
        for entry in installed where entry.connectorId == connectorId || entry.connectorId == 0 {
            for instant in entry.profile.boundaries(in: window, relativeStart: relativeStart) {
                offsets.insert(Int((instant - from + 999) / 1000))
            }
        }
        var periods: [ChargingSchedulePeriod] = []
        for offset in offsets.sorted() where offset == 0 || offset < seconds {
            let instant = Instant.adding(seconds: offset, to: from)
            // On a tie the later limit wins: a profile over the rating, the connector's own over the maximum.
            let winner = limitsInForce(connectorId: connectorId, at: instant, relativeStart: relativeStart)
                .reduce(rating) { conversion.watts($1) <= conversion.watts($0) ? $1 : $0 }
            let period = ChargingSchedulePeriod(
                startPeriod: offset, limit: conversion.value(of: winner, in: unit),
                numberPhases: conversion.effectivePhases(winner.numberPhases))
            if let last = periods.last, last.limit == period.limit, last.numberPhases == period.numberPhases {
                continue
            }
            periods.append(period)
        }
        return ChargingSchedule(duration: seconds, chargingRateUnit: unit, chargingSchedulePeriod: periods)
    }

    /// The power limit in force on `connectorId` at `time`, in watts, or nil when no profile
    /// limits it. What the simulated charger caps its draw at.
    ///
    /// For a connector this applies the whole ChargePointMaxProfile to it alone; sharing that
    /// limit among several charging connectors is the caller's policy.
    ///
    /// - Parameters:
    ///   - transactionStart: where Relative schedules begin; nil makes them begin at `time`.
    ///   - phases: how many phases the connector is wired for (1...3).
    public func limit(connectorId: Int, at time: Timestamp, transactionStart: Timestamp?, phases: Int) -> Double? {
        let instant = time.millisecondsSince1970
        let conversion = ElectricalConversion(phases: phases)
        return limitsInForce(
            connectorId: connectorId, at: instant, relativeStart: transactionStart?.millisecondsSince1970 ?? instant
        )
        .map(conversion.watts)
        .min()
    }

    /// The profile limits on `connectorId` at `instant`: the ChargePointMaxProfile's and, for a
    /// connector other than 0, its transaction limit (reference §6.13 "Purposes").
    private func limitsInForce(connectorId: Int, at instant: Int64, relativeStart: Int64) -> [ScheduledLimit] {
        let chargePointMax = topOfStack(.chargePointMaxProfile, on: 0, at: instant, relativeStart: relativeStart)
        guard connectorId != 0 else { return [chargePointMax].compactMap { $0 } }
        let transaction =
            topOfStack(.txProfile, on: connectorId, at: instant, relativeStart: relativeStart)
            ?? topOfStack(.txDefaultProfile, on: connectorId, at: instant, relativeStart: relativeStart)
            ?? topOfStack(.txDefaultProfile, on: 0, at: instant, relativeStart: relativeStart)
        return [chargePointMax, transaction].compactMap { $0 }
    }

    /// The limit of the highest stackLevel in force among the profiles with `purpose` set on
    /// `connectorId` ([CORE] §3.13).
    private func topOfStack(
        _ purpose: ChargingProfilePurpose, on connectorId: Int, at instant: Int64, relativeStart: Int64
    ) -> ScheduledLimit? {
        installed
            .filter { $0.connectorId == connectorId && $0.profile.chargingProfilePurpose == purpose }
            .compactMap { entry in
                entry.profile.scheduledLimit(at: instant, relativeStart: relativeStart).map {
                    (entry.profile.stackLevel, $0)
                }
            }
            .max { $0.0 < $1.0 }?
            .1
    }
}
