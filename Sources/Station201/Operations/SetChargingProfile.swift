import OCPP201

extension StationEngine {
    /// [K01]: Rejected with the reason while smart charging is disabled or when a rule refuses the profile
    /// (`ProfileRules`); otherwise installed, replacing the profile with its id, and persisted before the
    /// answer [K01.FR.27]. The new limit applies from this input on [K01.FR.07].
    mutating func setChargingProfile(_ request: SetChargingProfileRequest) -> SetChargingProfileResponse {
        guard smartChargingEnabled else {
            return SetChargingProfileResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "NotEnabled"))
        }
        let profile = request.chargingProfile
        if let refusal = profileRules.refusal(for: profile, on: request.evseId) {
            logger.info("charging profile \(profile.id) rejected: \(refusal.detail)")
            return SetChargingProfileResponse(status: .rejected, statusInfo: refusal.statusInfo)
        }
        chargingProfiles.install(StationChargingProfile(evseId: request.evseId, source: .cso, profile: profile))
        saveChargingProfiles()
        logger.info("charging profile \(profile.id) installed on EVSE \(request.evseId)")
        return SetChargingProfileResponse(status: .accepted)
    }
}
