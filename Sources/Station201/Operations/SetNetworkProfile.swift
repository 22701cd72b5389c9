import OCPP201

extension StationEngine {
    /// [B09]: a profile is checked and stored (persisted before the answer); it is used once it is in
    /// NetworkConfigurationPriority and the station reboots. Rejected: a slot outside the valuesList
    /// (`InvalidConfSlot`), or what this station cannot use (`InvalidNetworkConf`): another OCPP version than
    /// 2.0.1, SOAP, a security profile above 0 (profiles 1–3 come with the security block), a URL that is not
    /// `ws://host…` [B09.FR.01–05].
    mutating func setNetworkProfile(_ request: SetNetworkProfileRequest) -> SetNetworkProfileResponse {
        guard NetworkProfiles.slots.contains(request.configurationSlot) else {
            return SetNetworkProfileResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "InvalidConfSlot"))
        }
        let profile = request.connectionData
        let url = profile.ocppCsmsUrl.value
        let problem: String? =
            if profile.ocppVersion != .ocpp20 { "this station speaks OCPP 2.0.1 (OCPP20)" }
            else if profile.ocppTransport != .json { "only the JSON transport" }
            else if profile.securityProfile != 0 { "security profiles 1-3 are not available under OCPP 2.0.1 yet" }
            else if !url.hasPrefix("ws://") || url.count <= "ws://".count { "a ws:// URL (security profile 0)" }
            else if profile.messageTimeout < 1 { "a messageTimeout of at least 1 s" }
            else { nil }
        if let problem {
            return SetNetworkProfileResponse(
                status: .rejected, statusInfo: StatusInfo(reasonCode: "InvalidNetworkConf", additionalInfo: CiString(problem)))
        }
        networkProfiles.store(profile, in: request.configurationSlot)
        persist(.networkProfile(slot: request.configurationSlot, profile))
        return SetNetworkProfileResponse(status: .accepted)
    }
}
