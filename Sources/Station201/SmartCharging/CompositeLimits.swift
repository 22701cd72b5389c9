import OCPP16
import OCPP201
import SmartCharging

/// The 2.0.1 station's profiles seen through the SmartCharging module, so that the composite schedule and the
/// limit in force are computed by one piece of code for both protocols [K08; P2 K §3.5].
///
/// The purposes map one to one (ChargingStationMaxProfile is 1.6's ChargePointMaxProfile; EVSE ids are connector
/// ids), and the stacking rules are the same: per purpose the highest stackLevel in force, the TxProfile before
/// the EVSE's TxDefaultProfile before the station's, the minimum of that and the station maximum. The station's
/// own external constraints are a constant limit set through the API, so they join the EVSE's rating as a local
/// limit rather than as a profile.
struct CompositeLimits {
    /// 230 V per phase and three phases, as the meter readings assume.
    static let phases = 3

    private let profiles: SmartCharging.ChargingProfiles
    private let store: ChargingProfileStore

    init(_ store: ChargingProfileStore) {
        self.store = store
        profiles = SmartCharging.ChargingProfiles(
            installed: store.entries.compactMap { entry in
                Self.converted(entry.profile).map { InstalledProfile(connectorId: entry.evseId, profile: $0) }
            })
    }

    /// GetCompositeSchedule's periods on `evseId` (0: the station) from `start` for `duration` seconds, and the
    /// duration they cover. `ratingW` is what the EVSE (or the station) can deliver at most.
    func schedule(
        evseId: Int, from start: Timestamp, duration: Int, unit: OCPP201.ChargingRateUnit, transactionStart: Timestamp?,
        ratingW: Double
    ) -> (periods: [OCPP201.ChargingSchedulePeriod], duration: Int) {
        let composite = profiles.compositeSchedule(
            connectorId: evseId, from: start, duration: duration, unit: unit == .watts ? .watts : .amperes,
            transactionStart: transactionStart, phases: Self.phases, ratedPowerW: localLimitW(evseId, ratingW: ratingW))
        let periods = composite.chargingSchedulePeriod.map {
            OCPP201.ChargingSchedulePeriod(startPeriod: $0.startPeriod, limit: $0.limit, numberPhases: $0.numberPhases)
        }
        return (periods, composite.duration ?? duration)
    }

    /// The limit in force on `evseId` (0: the whole station) at `time`, in watts; nil when nothing limits it.
    func limitW(evseId: Int, at time: Timestamp, transactionStart: Timestamp?) -> Double? {
        let profileLimit = profiles.limit(
            connectorId: evseId, at: time, transactionStart: transactionStart, phases: Self.phases)
        return [profileLimit, externalLimitW(evseId)].compactMap { $0 }.min()
    }

    /// The external limit on `evseId` and, for an EVSE, the station's, which binds each EVSE too.
    private func externalLimitW(_ evseId: Int) -> Double? {
        let own = store.externalConstraint(on: evseId).flatMap(Self.constantLimit)
        let station = evseId == 0 ? nil : store.externalConstraint(on: 0).flatMap(Self.constantLimit)
        return [own, station].compactMap { $0 }.min()
    }

    private func localLimitW(_ evseId: Int, ratingW: Double) -> Double {
        min(ratingW, externalLimitW(evseId) ?? ratingW)
    }

    /// An external constraint as the API sets it: one period in watts.
    private static func constantLimit(_ entry: StationChargingProfile) -> Double? {
        entry.profile.chargingSchedule.first?.chargingSchedulePeriod.first?.limit
    }

    /// The CSMS's profiles as 1.6 spells them; the first schedule only (the others are ISO 15118's, which the
    /// install rules refuse). phaseToUse has no 1.6 counterpart and no effect on the limit's size.
    private static func converted(_ profile: OCPP201.ChargingProfile) -> OCPP16.ChargingProfile? {
        let purpose: OCPP16.ChargingProfilePurpose
        switch profile.chargingProfilePurpose {
        case .chargingStationMaxProfile: purpose = .chargePointMaxProfile
        case .txDefaultProfile: purpose = .txDefaultProfile
        case .txProfile: purpose = .txProfile
        case .chargingStationExternalConstraints: return nil
        }
        guard let schedule = profile.chargingSchedule.first else { return nil }
        let kind: OCPP16.ChargingProfileKind =
            switch profile.chargingProfileKind {
            case .absolute: .absolute
            case .recurring: .recurring
            case .relative: .relative
            }
        return OCPP16.ChargingProfile(
            chargingProfileId: profile.id, stackLevel: profile.stackLevel, chargingProfilePurpose: purpose,
            chargingProfileKind: kind,
            recurrencyKind: profile.recurrencyKind.map { $0 == .daily ? .daily : .weekly },
            validFrom: profile.validFrom, validTo: profile.validTo,
            chargingSchedule: OCPP16.ChargingSchedule(
                duration: schedule.duration, startSchedule: schedule.startSchedule,
                chargingRateUnit: schedule.chargingRateUnit == .watts ? .watts : .amperes,
                chargingSchedulePeriod: schedule.chargingSchedulePeriod.map {
                    OCPP16.ChargingSchedulePeriod(startPeriod: $0.startPeriod, limit: $0.limit, numberPhases: $0.numberPhases)
                },
                minChargingRate: schedule.minChargingRate))
    }
}
