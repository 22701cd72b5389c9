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
    /// cleared [K13.FR.01]. Running transactions it touches report ChargingRateChanged [K12.FR.03].
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
                reportChargingRateChanged(evseId: evseId)
            }
        } else if chargingProfiles.removeExternalConstraint(on: evseId) {
            saveChargingProfiles()
            outbox.enqueue(
                ClearedChargingLimitRequest(chargingLimitSource: .ems, evseId: reportedEvse), purpose: .informational)
            reportChargingRateChanged(evseId: evseId)
        }
        return .externalLimit(evseId: evseId, limitW: limitW)
    }

    /// A first limit always is; a change by more than LimitChangeSignificance percent of the previous one is.
    private func isSignificant(from before: Double?, to after: Double) -> Bool {
        guard let before else { return true }
        guard before > 0 else { return after != before }
        let significance = Double(deviceModel.text(StandardVariables.limitChangeSignificance)) ?? 0
        return abs(after - before) / before * 100 > significance
    }

    /// TransactionEvent Updated with ChargingRateChanged for the transactions on `evseId` (0: every EVSE).
    private mutating func reportChargingRateChanged(evseId: Int) {
        for index in evses.indices where evses[index].transaction != nil && (evseId == 0 || evses[index].id == evseId) {
            queueEvent(index, .updated, TransactionCause(trigger: .chargingRateChanged, stoppedReason: .local))
        }
    }
}
