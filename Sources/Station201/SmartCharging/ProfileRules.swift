import OCPP201

/// Why SetChargingProfile answers Rejected: the reasonCode the CSMS reads ([P2A] reason codes, as libocpp maps
/// its checks onto them) and a sentence for its log.
struct ProfileRefusal: Error, Sendable, Equatable {
    var reasonCode: CiString<20>
    var detail: String

    var statusInfo: StatusInfo {
        StatusInfo(reasonCode: reasonCode, additionalInfo: CiString<512>(String(detail.prefix(512))))
    }
}

/// The checks a profile passes before SetChargingProfile answers Accepted [K01], in libocpp's order: where it is
/// set, the schedule, then the purpose's own rules. Pure: the station's facts come in as values.
struct ProfileRules {
    /// What SmartChargingCtrlr allows.
    var maximumStackLevel: Int
    var maximumPeriods: Int
    var rateUnits: [String]
    var phaseSwitching: Bool
    var evseCount: Int
    /// The id of the transaction running on each EVSE, by EVSE id.
    var runningTransactions: [Int: String]
    var installed: ChargingProfileStore

    /// Nil when `profile` may be installed on `evseId` (0: the station) as the CSMS's.
    func refusal(for profile: ChargingProfile, on evseId: Int) -> ProfileRefusal? {
        guard (0...evseCount).contains(evseId) else {
            return ProfileRefusal(reasonCode: "UnknownEvse", detail: "there is no EVSE \(evseId)")
        }
        // Only the station creates these, to report an external system's limit [K01.FR.22].
        if profile.chargingProfilePurpose == .chargingStationExternalConstraints {
            return ProfileRefusal(
                reasonCode: "InvalidProfile", detail: "ChargingStationExternalConstraints are set by the station only")
        }
        if installed.entries.contains(where: { $0.profile.id == profile.id && $0.source != .cso }) {
            return ProfileRefusal(
                reasonCode: "DuplicateProfile", detail: "id \(profile.id) is the station's external constraints")
        }
        guard (0...maximumStackLevel).contains(profile.stackLevel) else {
            return ProfileRefusal(
                reasonCode: "InvalidStackLevel",
                detail: "stackLevel \(profile.stackLevel) is outside 0...\(maximumStackLevel) (ProfileStackLevel)")
        }
        let replaced = installed.entries.contains { $0.profile.id == profile.id }
        if !replaced, installed.entries.count >= ChargingProfileStore.capacity {
            return ProfileRefusal(
                reasonCode: "TooManyElements", detail: "\(ChargingProfileStore.capacity) profiles are installed already")
        }
        return scheduleRefusal(profile) ?? purposeRefusal(profile, on: evseId)
    }

    /// One schedule (more are for ISO 15118 negotiation, which this station has not) whose periods form one
    /// timeline from 0 [K01.FR.31/35] in a supported unit [K01.FR.26], anchored as its kind requires
    /// [K01.FR.40/41], with physical values.
    private func scheduleRefusal(_ profile: ChargingProfile) -> ProfileRefusal? {
        guard profile.chargingSchedule.count == 1, let schedule = profile.chargingSchedule.first else {
            return invalidSchedule("\(profile.chargingSchedule.count) schedules; without ISO 15118 only one is used")
        }
        guard rateUnits.contains(schedule.chargingRateUnit.rawValue) else {
            return ProfileRefusal(
                reasonCode: "UnsupportedRateUnit",
                detail: "chargingRateUnit \(schedule.chargingRateUnit.rawValue) is not in RateUnit")
        }
        let periods = schedule.chargingSchedulePeriod
        if periods.count > maximumPeriods {
            return invalidSchedule("\(periods.count) periods exceed PeriodsPerSchedule (\(maximumPeriods))")
        }
        if periods.first?.startPeriod != 0 { return invalidSchedule("the first period must start at 0") }
        for (previous, period) in zip(periods, periods.dropFirst()) where period.startPeriod <= previous.startPeriod {
            return invalidSchedule("startPeriod \(period.startPeriod) does not follow \(previous.startPeriod)")
        }
        for period in periods {
            if !period.limit.isFinite || period.limit < 0 { return invalidSchedule("limit \(period.limit) is not a power") }
            if let phases = period.numberPhases, !(1...3).contains(phases) {
                return invalidSchedule("numberPhases \(phases) is outside 1...3")
            }
            if period.phaseToUse != nil {
                guard phaseSwitching, period.numberPhases == 1 else {
                    return invalidSchedule("phaseToUse needs numberPhases 1 and phase switching [K01.FR.48]")
                }
            }
        }
        if let duration = schedule.duration, duration < 0 { return invalidSchedule("duration \(duration) is negative") }
        switch (profile.chargingProfileKind, schedule.startSchedule) {
        case (.relative, .some): return invalidSchedule("a Relative schedule has no startSchedule")
        case (.absolute, .none), (.recurring, .none):
            return invalidSchedule("an \(profile.chargingProfileKind.rawValue) schedule needs startSchedule")
        default: break
        }
        if profile.chargingProfileKind == .recurring, profile.recurrencyKind == nil {
            return invalidSchedule("a Recurring profile needs recurrencyKind")
        }
        return nil
    }

    private func purposeRefusal(_ profile: ChargingProfile, on evseId: Int) -> ProfileRefusal? {
        switch profile.chargingProfilePurpose {
        case .chargingStationMaxProfile:
            if evseId != 0 { return invalidProfile("a ChargingStationMaxProfile is set on EVSE 0 [K01.FR.38]") }
            if profile.chargingProfileKind == .relative {
                return invalidProfile("a ChargingStationMaxProfile cannot be Relative [K01.FR.38]")
            }
            return overlapRefusal(profile, on: evseId)
        case .txDefaultProfile:
            // The same stackLevel on EVSE 0 and on one EVSE under another id [K01.FR.52/53].
            let clash = installed.entries.first { entry in
                entry.profile.chargingProfilePurpose == .txDefaultProfile && entry.profile.id != profile.id
                    && entry.profile.stackLevel == profile.stackLevel && (entry.evseId == 0) != (evseId == 0)
            }
            if let clash {
                return ProfileRefusal(
                    reasonCode: "DuplicateProfile",
                    detail: "TxDefaultProfile \(clash.profile.id) on EVSE \(clash.evseId) has stackLevel \(profile.stackLevel)")
            }
            return overlapRefusal(profile, on: evseId)
        case .txProfile:
            return txProfileRefusal(profile, on: evseId)
        case .chargingStationExternalConstraints:
            return nil
        }
    }

    /// A TxProfile limits the transaction it names, which runs on that EVSE [K01.FR.03/09/16/33]; one per
    /// stackLevel [K01.FR.39].
    private func txProfileRefusal(_ profile: ChargingProfile, on evseId: Int) -> ProfileRefusal? {
        guard evseId > 0 else { return invalidProfile("a TxProfile is set on the EVSE of its transaction") }
        guard let transactionId = profile.transactionId else {
            return ProfileRefusal(reasonCode: "TxNotFound", detail: "a TxProfile names its transactionId [K01.FR.03]")
        }
        guard runningTransactions[evseId] == transactionId.value else {
            return ProfileRefusal(
                reasonCode: "TxNotFound", detail: "transaction \(transactionId.value) is not running on EVSE \(evseId)")
        }
        let clash = installed.entries.contains { entry in
            entry.profile.chargingProfilePurpose == .txProfile && entry.profile.id != profile.id
                && entry.profile.transactionId == transactionId && entry.profile.stackLevel == profile.stackLevel
        }
        return clash
            ? ProfileRefusal(
                reasonCode: "InvalidStackLevel",
                detail: "transaction \(transactionId.value) has a TxProfile at stackLevel \(profile.stackLevel)")
            : nil
    }

    /// Two profiles of one purpose and stackLevel on one EVSE must not be valid at the same time [K01.FR.06];
    /// the same id replaces instead.
    private func overlapRefusal(_ profile: ChargingProfile, on evseId: Int) -> ProfileRefusal? {
        let clash = installed.entries.first { entry in
            entry.evseId == evseId && entry.profile.id != profile.id
                && entry.profile.chargingProfilePurpose == profile.chargingProfilePurpose
                && entry.profile.stackLevel == profile.stackLevel && Self.validityOverlaps(entry.profile, profile)
        }
        guard let clash else { return nil }
        return ProfileRefusal(
            reasonCode: "DuplicateProfile",
            detail: "profile \(clash.profile.id) has this purpose and stackLevel on EVSE \(evseId) in the same validity")
    }

    /// Unset bounds are open: the past and the future without end.
    private static func validityOverlaps(_ one: ChargingProfile, _ other: ChargingProfile) -> Bool {
        let oneFrom = one.validFrom?.millisecondsSince1970 ?? .min, oneTo = one.validTo?.millisecondsSince1970 ?? .max
        let otherFrom = other.validFrom?.millisecondsSince1970 ?? .min
        let otherTo = other.validTo?.millisecondsSince1970 ?? .max
        return oneFrom < otherTo && otherFrom < oneTo
    }

    private func invalidSchedule(_ detail: String) -> ProfileRefusal {
        ProfileRefusal(reasonCode: "InvalidSchedule", detail: detail)
    }

    private func invalidProfile(_ detail: String) -> ProfileRefusal {
        ProfileRefusal(reasonCode: "InvalidProfile", detail: detail)
    }
}
