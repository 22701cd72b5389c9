import OCPP16

extension ChargePointEngine {
    private static let authorizationKeyEntry = CiString<50>(authorizationKeyName)!

    /// No key, or an empty list (as CitrineOS sends), means every key ([CORE] §5.8).
    func getConfiguration(_ request: GetConfigurationRequest) -> GetConfigurationResponse {
        var known: [ConfigurationKey] = []
        var unknown: [CiString<50>] = []
        var asksForAuthorizationKey = false
        let names = request.key ?? []
        if names.isEmpty {
            known = ConfigurationKey.allCases
        } else {
            for name in names {
                if name.equalsIgnoringCase(Self.authorizationKeyEntry) {
                    asksForAuthorizationKey = true
                } else if let key = ConfigurationKey(named: name.value) {
                    known.append(key)
                } else {
                    unknown.append(name)
                }
            }
        }
        var values = known.map { key in
            KeyValue(
                key: CiString<50>(key.rawValue)!, readonly: Configuration.isReadOnly(key),
                value: CiString<500>(configuration[key].text))
        }
        // Asked for by name, the write-only key is listed without its value ([JERR] 3.10).
        if asksForAuthorizationKey {
            values.append(KeyValue(key: Self.authorizationKeyEntry, readonly: false, value: nil))
        }
        return GetConfigurationResponse(
            configurationKey: values.isEmpty ? nil : values, unknownKey: unknown.isEmpty ? nil : unknown)
    }
}
