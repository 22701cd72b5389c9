import OCPP201

/// A limit an energy management system puts on an EVSE or the whole station, set through the API [K11–K13]. The
/// station holds it as its own ChargingStationExternalConstraints profile (source EMS, a negative id the CSMS
/// cannot clash with), which GetChargingProfiles reports and the composite schedule honours, and tells the CSMS
/// with NotifyChargingLimit and ClearedChargingLimit.
extension StationEngine {
    /// The id of the external constraints profile on `evseId`: -1 for the station, -(n+1) for EVSE n.
    static func externalProfileId(evseId: Int) -> Int { -(evseId + 1) }

    /// Sets (`limitW`) or removes (nil) the external limit on `evseId` (0: the station). A new limit, or one
    /// that changes by more than LimitChangeSignificance percent, is notified [K12.FR.02]; a removed one is
    /// cleared [K13.FR.01]. The transactions whose limit it changes report ChargingRateChanged as any change of
    /// limit does (`applyChargingLimits`).
    mutating func setExternalLimit(evseId: Int, limitW: Double?) -> CommandResult {
        guard evseId == 0 || evseIndex(evseId) != nil else { return .failed(.unknownEVSE(evseId)) }
        guard deviceModel.boolean(StandardVariables.externalControlSignalsEnabled) else {
            return .failed(.externalControlDisabled)
        }
        let before = chargingProfiles.externalConstraint(on: evseId)?.profile.chargingSchedule.first?
            .chargingSchedulePeriod.first?.limit
        let reportedEvse = evseId == 0 ? nil : evseId
        if let limitW {
            let id = Self.externalProfileId(evseId: evseId)
            let schedule = ChargingSchedule(
                id: id, startSchedule: now.wallClock, chargingRateUnit: .watts,
                chargingSchedulePeriod: [ChargingSchedulePeriod(startPeriod: 0, limit: limitW)])
            let profile = ChargingProfile(
                id: id, stackLevel: 0, chargingProfilePurpose: .chargingStationExternalConstraints,
                chargingProfileKind: .absolute, chargingSchedule: [schedule])
            chargingProfiles.install(StationChargingProfile(evseId: evseId, source: .ems, profile: profile))
            saveChargingProfiles()
            if isSignificant(from: before, to: limitW) {
                let withSchedule = deviceModel.boolean(StandardVariables.notifyChargingLimitWithSchedules)
                outbox.enqueue(
                    NotifyChargingLimitRequest(
                        chargingSchedule: withSchedule ? [schedule] : nil, evseId: reportedEvse,
                        chargingLimit: ChargingLimit(chargingLimitSource: .ems)),
                    purpose: .informational)
            }
        } else if chargingProfiles.removeExternalConstraint(on: evseId) {
            saveChargingProfiles()
            outbox.enqueue(
                ClearedChargingLimitRequest(chargingLimitSource: .ems, evseId: reportedEvse), purpose: .informational)
        }
        return .externalLimit(evseId: evseId, limitW: limitW)
    }
}
