import OCPP201

extension StationEngine {
    /// [K10]: the profile with the id, else those matching every criterion; Unknown when none does
    /// [K10.FR.08]. The station's external constraints stay [K10.FR.06].
    mutating func clearChargingProfile(_ request: ClearChargingProfileRequest) -> ClearChargingProfileResponse {
        guard chargingProfiles.clear(id: request.chargingProfileId, criteria: request.chargingProfileCriteria) else {
            return ClearChargingProfileResponse(status: .unknown)
        }
        saveChargingProfiles()
        return ClearChargingProfileResponse(status: .accepted)
    }
}
