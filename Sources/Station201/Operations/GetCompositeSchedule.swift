import OCPP201

extension StationEngine {
    /// The longest window a composite covers; a longer request is answered for this long, as `duration` says.
    static let longestCompositeDuration = 86_400 * 7

    /// [K08]: Rejected for an unknown EVSE [K08.FR.05] or a unit RateUnit does not list [K08.FR.07]; otherwise the
    /// limits in force from now for `duration` seconds [K08.FR.02], in the unit asked for (W when none is), the
    /// EVSE's rating included as a local limit and an idle EVSE computed as if a transaction started now
    /// [K08.FR.06]. EVSE 0 is the station's grid connection: its maximum profile [K08.FR.03].
    func getCompositeSchedule(_ request: GetCompositeScheduleRequest) -> GetCompositeScheduleResponse {
        guard request.evseId == 0 || evseIndex(request.evseId) != nil else {
            return GetCompositeScheduleResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "UnknownEvse"))
        }
        let unit = request.chargingRateUnit ?? .watts
        guard deviceModel.list(StandardVariables.rateUnit).contains(unit.rawValue) else {
            return GetCompositeScheduleResponse(
                status: .rejected, statusInfo: StatusInfo(reasonCode: "UnsupportedRateUnit"))
        }
        return GetCompositeScheduleResponse(
            status: .accepted, schedule: compositeSchedule(evseId: request.evseId, duration: request.duration, unit: unit))
    }

    /// The composite schedule of an existing EVSE (0: the station) from now; `duration` is at least 0.
    func compositeSchedule(evseId: Int, duration: Int, unit: ChargingRateUnit) -> CompositeSchedule {
        let limits = CompositeLimits(smartChargingEnabled ? chargingProfiles : ChargingProfileStore())
        let schedule = limits.schedule(
            evseId: evseId, from: now.wallClock, duration: min(duration, Self.longestCompositeDuration), unit: unit,
            transactionStart: transactionStart(evseId: evseId), ratingW: ratingW(evseId: evseId))
        return CompositeSchedule(
            chargingSchedulePeriod: schedule.periods, evseId: evseId, duration: schedule.duration,
            scheduleStart: now.wallClock, chargingRateUnit: unit)
    }
}
