import OCPP201

extension StationEngine {
    /// [B09]: a profile is checked and stored (persisted before the answer); it is used once it is in
    /// NetworkConfigurationPriority and the station reboots. Rejected: a slot outside the valuesList
    /// (`InvalidConfSlot`), a lower security profile than the one in use (`NoSecurityDowngrade`), or what this
    /// station cannot use (`InvalidNetworkConf`): another OCPP version than 2.0.1, SOAP, a URL whose scheme
    /// does not match the security profile, a profile whose credentials it lacks [B09.FR.01–05].
    mutating func setNetworkProfile(_ request: SetNetworkProfileRequest) -> SetNetworkProfileResponse {
        guard NetworkProfiles.slots.contains(request.configurationSlot) else {
            return SetNetworkProfileResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "InvalidConfSlot"))
        }
        let profile = request.connectionData
        let url = profile.ocppCsmsUrl.value
        let problem: String? =
            if profile.ocppVersion != .ocpp20 { "this station speaks OCPP 2.0.1 (OCPP20)" }
            else if profile.ocppTransport != .json { "only the JSON transport" }
            else if profile.messageTimeout < 1 { "a messageTimeout of at least 1 s" }
            else { nil }
        if let (reasonCode, problem) = problem.map({ ("InvalidNetworkConf", $0) })
            ?? networkSecurityRefusal(securityProfile: profile.securityProfile, url: url)
        {
            return SetNetworkProfileResponse(
                status: .rejected, statusInfo: StatusInfo(reasonCode: CiString(reasonCode)!, additionalInfo: CiString(problem)))
        }
        networkProfiles.store(profile, in: request.configurationSlot)
        persist(.networkProfile(slot: request.configurationSlot, profile))
        return SetNetworkProfileResponse(status: .accepted)
    }
}
