import OCPP16

extension ChargePointEngine {
    mutating func changeConfiguration(_ request: ChangeConfigurationRequest) -> ChangeConfigurationResponse {
        do {
            try changeConfiguration(request.key.value, to: request.value.value)
            return ChangeConfigurationResponse(status: .accepted)
        } catch .unknownKey {
            return ChangeConfigurationResponse(status: .notSupported)
        } catch {
            logger.info("ChangeConfiguration refused: \(error)")
            return ChangeConfigurationResponse(status: .rejected)
        }
    }

    /// Validates, persists and applies at once: a new interval takes effect now, not at the next reboot.
    @discardableResult
    mutating func changeConfiguration(_ name: String, to value: String) throws(ConfigurationRefusal) -> ConfigurationKey? {
        if name.lowercased() == Self.authorizationKeyName.lowercased() {
            try changeAuthorizationKey(to: value)
            return nil
        }
        if ConfigurationKey(named: name) == .securityProfile {
            try raiseSecurityProfile(to: value)
            return .securityProfile
        }
        let key = try configuration.change(name, to: value)
        configurationChanged(key)
        switch key {
        case .heartbeatInterval:
            if isOnline { scheduleHeartbeat() }
        case .meterValueSampleInterval:
            for index in connectors.indices where connectors[index].transactionLocalId != nil {
                scheduleSample(connectorIndex: index)
            }
        case .clockAlignedDataInterval:
            scheduleAlignedSample()
        case .webSocketPingInterval:
            emit(.setPingInterval(seconds: configuration.integer(.webSocketPingInterval)))
        case .cpoName:
            raiseSecurityEvent(.reconfigurationOfSecurityParameters, techInfo: "CpoName changed")
        default:
            break
        }
        return key
    }

    /// Persists a changed key and shows it to observers.
    mutating func configurationChanged(_ key: ConfigurationKey) {
        persist(.saveConfiguration(key: key.rawValue, value: configuration[key].text))
        logger.info("configuration \(key.rawValue) = \(configuration[key].text)")
        emit(.publish(.configuration(configuration.entry(key))))
    }

    /// Write-only ([JERR] 3.10): kept out of `ConfigurationKey`, so that no listing can ever show it.
    static let authorizationKeyName = "AuthorizationKey"
}
