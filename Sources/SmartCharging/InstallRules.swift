import OCPP16

/// The checks a profile passes before SetChargingProfile answers `Accepted`, in libocpp's order
/// (reference §6.13 "libocpp's checks", [EV] smart_charging.cpp `validate_profile`), followed
/// by the purpose rules of [CORE] §3.13.
struct InstallRules {
    let context: InstallContext

    /// - Parameter keptProfiles: how many installed profiles stay after this one replaces its
    ///   namesakes; a replacement does not grow the store, so it is never refused for space.
    func refusal(for profile: ChargingProfile, on connectorId: Int, keptProfiles: Int) -> InstallRefusal? {
        let limits = context.limits
        let schedule = profile.chargingSchedule
        if connectorId < 0 || connectorId > context.numberOfConnectors {
            return .unknownConnector(connectorId)
        }
        if profile.stackLevel < 0 || profile.stackLevel > limits.chargeProfileMaxStackLevel {
            return .stackLevelOutOfRange(stackLevel: profile.stackLevel, maximum: limits.chargeProfileMaxStackLevel)
        }
        if keptProfiles >= limits.maxChargingProfilesInstalled {
            return .tooManyProfiles(maximum: limits.maxChargingProfilesInstalled)
        }
        if schedule.chargingSchedulePeriod.count > limits.chargingScheduleMaxPeriods {
            return .tooManyPeriods(
                count: schedule.chargingSchedulePeriod.count, maximum: limits.chargingScheduleMaxPeriods)
        }
        if !limits.allowedChargingRateUnits.contains(schedule.chargingRateUnit) {
            return .unitNotAllowed(schedule.chargingRateUnit)
        }
        return periodRefusal(schedule.chargingSchedulePeriod)
            ?? timingRefusal(profile)
            ?? purposeRefusal(profile, on: connectorId)
    }

    /// The periods must form one timeline from 0 ([ERR] 3.45) with physical values.
    private func periodRefusal(_ periods: [ChargingSchedulePeriod]) -> InstallRefusal? {
        guard periods.first?.startPeriod == 0 else { return .firstPeriodNotAtZero }
        for (previous, period) in zip(periods, periods.dropFirst()) where period.startPeriod <= previous.startPeriod {
            return .periodsNotAscending(startPeriod: period.startPeriod)
        }
        for period in periods {
            if let phases = period.numberPhases, !(1...3).contains(phases) {
                return .numberPhasesOutOfRange(phases)
            }
            if period.limit < 0 {
                return .negativeLimit(period.limit)
            }
        }
        return nil
    }

    private func timingRefusal(_ profile: ChargingProfile) -> InstallRefusal? {
        switch profile.chargingProfileKind {
        case .absolute where profile.chargingSchedule.startSchedule == nil,
            .recurring where profile.chargingSchedule.startSchedule == nil:
            .missingStartSchedule(profile.chargingProfileKind)
        case .recurring where profile.recurrencyKind == nil:
            .missingRecurrencyKind
        default:
            nil
        }
    }

    private func purposeRefusal(_ profile: ChargingProfile, on connectorId: Int) -> InstallRefusal? {
        switch profile.chargingProfilePurpose {
        case .chargePointMaxProfile:
            if connectorId != 0 { return .chargePointMaxProfileNotOnConnectorZero(connectorId) }
            if profile.chargingProfileKind == .relative { return .relativeChargePointMaxProfile }
            return nil
        case .txDefaultProfile:
            return nil
        case .txProfile:
            if connectorId == 0 { return .txProfileOnConnectorZero }
            guard let running = context.runningTransactions[connectorId] else {
                return .noTransactionOnConnector(connectorId)
            }
            if let named = profile.transactionId, named != running.transactionId {
                return .transactionMismatch(profile: named, running: running.transactionId)
            }
            return nil
        }
    }
}
