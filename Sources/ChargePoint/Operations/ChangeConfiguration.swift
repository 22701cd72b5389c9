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
    mutating func changeConfiguration(_ name: String, to value: String) throws(ConfigurationRefusal) {
        let key = try configuration.change(name, to: value)
        persist(.saveConfiguration(key: key.rawValue, value: configuration[key].text))
        logger.info("configuration \(key.rawValue) = \(configuration[key].text)")
        switch key {
        case .heartbeatInterval:
            if isOnline { scheduleHeartbeat() }
        case .meterValueSampleInterval:
            for index in connectors.indices where connectors[index].transactionLocalId != nil {
                scheduleSample(connectorIndex: index)
            }
        case .webSocketPingInterval:
            emit(.setPingInterval(seconds: configuration.integer(.webSocketPingInterval)))
        default:
            break
        }
    }
}
