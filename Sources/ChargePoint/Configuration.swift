import OCPP16

/// The OCPP configuration keys this charge point implements ([CORE] §9). A key is listed only once the
/// behaviour behind it works: GetConfiguration must not promise what the charge point does not do.
public enum ConfigurationKey: String, CaseIterable, Sendable {
    case additionalRootCertificateCheck = "AdditionalRootCertificateCheck"
    case allowOfflineTxForUnknownId = "AllowOfflineTxForUnknownId"
    case authorizationCacheEnabled = "AuthorizationCacheEnabled"
    case authorizeRemoteTxRequests = "AuthorizeRemoteTxRequests"
    case certificateSignedMaxChainSize = "CertificateSignedMaxChainSize"
    case certificateStoreMaxLength = "CertificateStoreMaxLength"
    case chargeProfileMaxStackLevel = "ChargeProfileMaxStackLevel"
    case chargingScheduleAllowedChargingRateUnit = "ChargingScheduleAllowedChargingRateUnit"
    case chargingScheduleMaxPeriods = "ChargingScheduleMaxPeriods"
    case clockAlignedDataInterval = "ClockAlignedDataInterval"
    case connectionTimeOut = "ConnectionTimeOut"
    case connectorPhaseRotation = "ConnectorPhaseRotation"
    case connectorPhaseRotationMaxLength = "ConnectorPhaseRotationMaxLength"
    case connectorSwitch3to1PhaseSupported = "ConnectorSwitch3to1PhaseSupported"
    case cpoName = "CpoName"
    case getConfigurationMaxKeys = "GetConfigurationMaxKeys"
    case heartbeatInterval = "HeartbeatInterval"
    case localAuthListEnabled = "LocalAuthListEnabled"
    case localAuthListMaxLength = "LocalAuthListMaxLength"
    case localAuthorizeOffline = "LocalAuthorizeOffline"
    case localPreAuthorize = "LocalPreAuthorize"
    case maxChargingProfilesInstalled = "MaxChargingProfilesInstalled"
    case maxEnergyOnInvalidId = "MaxEnergyOnInvalidId"
    case messageTimeout = "MessageTimeout"
    case meterValuesAlignedData = "MeterValuesAlignedData"
    case meterValuesAlignedDataMaxLength = "MeterValuesAlignedDataMaxLength"
    case meterValueSampleInterval = "MeterValueSampleInterval"
    case meterValuesSampledData = "MeterValuesSampledData"
    case meterValuesSampledDataMaxLength = "MeterValuesSampledDataMaxLength"
    case numberOfConnectors = "NumberOfConnectors"
    case reserveConnectorZeroSupported = "ReserveConnectorZeroSupported"
    case resetRetries = "ResetRetries"
    case securityProfile = "SecurityProfile"
    case sendLocalListMaxLength = "SendLocalListMaxLength"
    case stopTransactionMaxMeterValues = "StopTransactionMaxMeterValues"
    case stopTransactionOnEVSideDisconnect = "StopTransactionOnEVSideDisconnect"
    case stopTransactionOnInvalidId = "StopTransactionOnInvalidId"
    case stopTxnAlignedData = "StopTxnAlignedData"
    case stopTxnAlignedDataMaxLength = "StopTxnAlignedDataMaxLength"
    case stopTxnSampledData = "StopTxnSampledData"
    case stopTxnSampledDataMaxLength = "StopTxnSampledDataMaxLength"
    case supportedFeatureProfiles = "SupportedFeatureProfiles"
    case supportedFileTransferProtocols = "SupportedFileTransferProtocols"
    case transactionMessageAttempts = "TransactionMessageAttempts"
    case transactionMessageRetryInterval = "TransactionMessageRetryInterval"
    case unlockConnectorOnEVSideDisconnect = "UnlockConnectorOnEVSideDisconnect"
    case webSocketPingInterval = "WebSocketPingInterval"

    /// Keys are CiString50: case-insensitive on the wire.
    public init?(named name: String) {
        guard let key = Self.byLowercasedName[name.lowercased()] else { return nil }
        self = key
    }

    private static let byLowercasedName = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue.lowercased(), $0) })
}

/// A typed configuration value. Values travel as strings; keeping them typed means a bad value is refused
/// once, when it is set, instead of being re-parsed at every use.
public enum ConfigurationValue: Sendable, Equatable {
    case bool(Bool)
    case integer(Int)
    case measurands([Measurand])
    /// ConnectorPhaseRotation entries such as `1.RST`.
    case phaseRotation([String])
    case text(String)

    /// The wire form, as GetConfiguration reports it.
    public var text: String {
        switch self {
        case .bool(let value): value ? "true" : "false"
        case .integer(let value): String(value)
        case .measurands(let list): list.map(\.rawValue).joined(separator: ",")
        case .phaseRotation(let entries): entries.joined(separator: ",")
        case .text(let value): value
        }
    }
}

/// Why a configuration change was refused, said so that an API caller knows what to send instead.
public enum ConfigurationRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownKey(String)
    case readOnly(ConfigurationKey)
    case invalidValue(ConfigurationKey, String, expected: String)
    /// A secret was refused; its value is never repeated.
    case invalidSecret(String, expected: String)

    public var description: String {
        switch self {
        case .unknownKey(let key): "'\(key)' is not a configuration key of this charge point"
        case .readOnly(let key): "\(key.rawValue) is read-only"
        case .invalidValue(let key, let value, let expected): "\(key.rawValue) cannot be '\(value)': expected \(expected)"
        case .invalidSecret(let name, let expected): "the \(name) was refused: expected \(expected)"
        }
    }
}

/// Supported measurands for sampled meter data: the ones the meter model can produce.
public let supportedMeasurands: [Measurand] = [
    .energyActiveImportRegister, .powerActiveImport, .powerOffered, .currentImport, .currentOffered, .voltage,
]

/// The charge point's configuration: definitions, defaults, validation and current values.
public struct Configuration: Sendable, Equatable {
    private var values: [ConfigurationKey: ConfigurationValue]
    private let connectorCount: Int
    public static let measurandListMaxLength = supportedMeasurands.count
    static let phaseRotations = ["NotApplicable", "Unknown", "RST", "RTS", "SRT", "STR", "TRS", "TSR"]

    public init(connectorCount: Int) {
        self.connectorCount = connectorCount
        values = [:]
        for key in ConfigurationKey.allCases {
            values[key] = Self.defaultValue(of: key, connectorCount: connectorCount)
        }
    }

    public subscript(key: ConfigurationKey) -> ConfigurationValue { values[key]! }

    /// Every key as GetConfiguration and the API list them, in declaration order.
    public var entries: [ConfigurationEntry] { ConfigurationKey.allCases.map(entry) }

    public func entry(_ key: ConfigurationKey) -> ConfigurationEntry {
        ConfigurationEntry(key: key.rawValue, value: self[key].text, readonly: Self.isReadOnly(key))
    }

    public func bool(_ key: ConfigurationKey) -> Bool {
        if case .bool(let value) = self[key] { return value }
        preconditionFailure("\(key.rawValue) is not a boolean key")
    }

    public func integer(_ key: ConfigurationKey) -> Int {
        if case .integer(let value) = self[key] { return value }
        preconditionFailure("\(key.rawValue) is not an integer key")
    }

    public func measurands(_ key: ConfigurationKey) -> [Measurand] {
        if case .measurands(let value) = self[key] { return value }
        preconditionFailure("\(key.rawValue) is not a measurand list")
    }

    public static func isReadOnly(_ key: ConfigurationKey) -> Bool {
        switch key {
        case .getConfigurationMaxKeys, .meterValuesSampledDataMaxLength, .numberOfConnectors,
            .stopTxnSampledDataMaxLength, .supportedFeatureProfiles, .localAuthListMaxLength, .sendLocalListMaxLength,
            .reserveConnectorZeroSupported, .connectorPhaseRotationMaxLength, .meterValuesAlignedDataMaxLength,
            .stopTransactionMaxMeterValues, .stopTxnAlignedDataMaxLength, .chargeProfileMaxStackLevel,
            .chargingScheduleAllowedChargingRateUnit, .chargingScheduleMaxPeriods, .connectorSwitch3to1PhaseSupported,
            .maxChargingProfilesInstalled, .supportedFileTransferProtocols, .additionalRootCertificateCheck,
            .certificateSignedMaxChainSize, .certificateStoreMaxLength:
            true
        default:
            false
        }
    }

    /// Validates and applies a change as ChangeConfiguration does; read-only keys are refused here, so
    /// start-up overrides of those go through `restore` instead.
    public mutating func change(_ name: String, to text: String) throws(ConfigurationRefusal) -> ConfigurationKey {
        guard let key = ConfigurationKey(named: name) else { throw .unknownKey(name) }
        guard !Self.isReadOnly(key) else { throw .readOnly(key) }
        values[key] = try parse(text, for: key)
        return key
    }

    /// Applies a persisted value; values that no longer parse (after an upgrade) keep the default.
    public mutating func restore(_ name: String, _ text: String) {
        guard let key = ConfigurationKey(named: name), !Self.isReadOnly(key),
            let value = try? parse(text, for: key)
        else { return }
        values[key] = value
    }

    public mutating func set(_ key: ConfigurationKey, _ value: ConfigurationValue) {
        values[key] = value
    }

    func parse(_ text: String, for key: ConfigurationKey) throws(ConfigurationRefusal) -> ConfigurationValue {
        let trimmed = text.trimmingSpaces
        switch Self.defaultValue(of: key, connectorCount: connectorCount) {
        case .bool:
            switch trimmed.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw .invalidValue(key, text, expected: "true or false")
            }
        case .integer:
            let range = Self.integerRange(of: key)
            guard let value = Int(trimmed), range.contains(value) else {
                throw .invalidValue(key, text, expected: "an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return .integer(value)
        case .measurands:
            let expected = "a comma-separated list of at most \(Self.measurandListMaxLength) of "
                + supportedMeasurands.map(\.rawValue).joined(separator: ", ")
            let names = trimmed.isEmpty ? [] : trimmed.split(separator: ",", omittingEmptySubsequences: false)
            var list: [Measurand] = []
            for name in names {
                guard let measurand = Measurand(rawValue: String(name).trimmingSpaces),
                    supportedMeasurands.contains(measurand), !list.contains(measurand)
                else { throw .invalidValue(key, text, expected: expected) }
                list.append(measurand)
            }
            guard list.count <= Self.measurandListMaxLength else { throw .invalidValue(key, text, expected: expected) }
            return .measurands(list)
        case .phaseRotation:
            let expected = "comma-separated connector.rotation entries for connectors 0 to \(connectorCount), rotation one of "
                + Self.phaseRotations.joined(separator: ", ")
            let entries = trimmed.split(separator: ",").map { String($0).trimmingSpaces }
            var seen = Set<Int>()
            for entry in entries {
                let parts = entry.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2, let connector = Int(parts[0]), (0...connectorCount).contains(connector),
                    seen.insert(connector).inserted, Self.phaseRotations.contains(parts[1])
                else { throw .invalidValue(key, text, expected: expected) }
            }
            return .phaseRotation(entries)
        case .text:
            // CpoName becomes the CSR's organization, which X.520 bounds at 64 characters.
            if key == .cpoName, text.utf8.count > 64 {
                throw .invalidValue(key, text, expected: "at most 64 characters")
            }
            return .text(text)
        }
    }

    private static func integerRange(of key: ConfigurationKey) -> ClosedRange<Int> {
        switch key {
        case .transactionMessageAttempts: 1...100
        case .messageTimeout: 1...3600
        case .securityProfile: 0...3
        default: 0...Int(Int32.max)
        }
    }

    private static func defaultValue(of key: ConfigurationKey, connectorCount: Int) -> ConfigurationValue {
        switch key {
        case .additionalRootCertificateCheck: .bool(false)
        case .allowOfflineTxForUnknownId: .bool(false)
        case .authorizationCacheEnabled: .bool(true)
        case .authorizeRemoteTxRequests: .bool(false)
        case .certificateSignedMaxChainSize: .integer(10_000)
        case .certificateStoreMaxLength: .integer(ChargePointEngine.certificateStoreCapacity)
        case .chargeProfileMaxStackLevel: .integer(10)
        case .chargingScheduleAllowedChargingRateUnit: .text("Current,Power")
        case .chargingScheduleMaxPeriods: .integer(24)
        case .clockAlignedDataInterval: .integer(0)
        case .connectionTimeOut: .integer(60)
        case .connectorPhaseRotation: .phaseRotation((0...connectorCount).map { "\($0).RST" })
        case .connectorPhaseRotationMaxLength: .integer(connectorCount + 1)
        case .connectorSwitch3to1PhaseSupported: .bool(false)
        case .cpoName: .text("")
        case .getConfigurationMaxKeys: .integer(ConfigurationKey.allCases.count)
        case .heartbeatInterval: .integer(300)
        case .localAuthListEnabled: .bool(true)
        case .localAuthListMaxLength: .integer(1000)
        case .localAuthorizeOffline: .bool(false)
        case .localPreAuthorize: .bool(false)
        case .maxChargingProfilesInstalled: .integer(20)
        case .maxEnergyOnInvalidId: .integer(0)
        case .messageTimeout: .integer(30)
        case .meterValuesAlignedData: .measurands([.energyActiveImportRegister])
        case .meterValuesAlignedDataMaxLength: .integer(measurandListMaxLength)
        case .meterValueSampleInterval: .integer(60)
        case .meterValuesSampledData: .measurands([.energyActiveImportRegister, .powerActiveImport])
        case .meterValuesSampledDataMaxLength: .integer(measurandListMaxLength)
        case .numberOfConnectors: .integer(connectorCount)
        case .reserveConnectorZeroSupported: .bool(true)
        case .resetRetries: .integer(1)
        case .securityProfile: .integer(0)
        case .sendLocalListMaxLength: .integer(100)
        case .stopTransactionMaxMeterValues: .integer(ChargePointEngine.stopTransactionDataLimit)
        case .stopTransactionOnEVSideDisconnect: .bool(true)
        case .stopTransactionOnInvalidId: .bool(true)
        case .stopTxnAlignedData: .measurands([])
        case .stopTxnAlignedDataMaxLength: .integer(measurandListMaxLength)
        case .stopTxnSampledData: .measurands([.energyActiveImportRegister])
        case .stopTxnSampledDataMaxLength: .integer(measurandListMaxLength)
        case .supportedFeatureProfiles:
            .text("Core,FirmwareManagement,LocalAuthListManagement,Reservation,SmartCharging,RemoteTrigger")
        case .supportedFileTransferProtocols: .text("FTP,FTPS,HTTP,HTTPS")
        case .transactionMessageAttempts: .integer(3)
        case .transactionMessageRetryInterval: .integer(60)
        case .unlockConnectorOnEVSideDisconnect: .bool(true)
        case .webSocketPingInterval: .integer(30)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice.removeFirst() }
        while slice.last?.isWhitespace == true { slice.removeLast() }
        return String(slice)
    }
}
