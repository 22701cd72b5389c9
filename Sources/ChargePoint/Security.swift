import OCPP16

/// The security events of the whitepaper (§8). Every one is written to the security log and sent to the
/// CSMS through the persistent queue; the critical ones are those the whitepaper requires to reach it.
public enum SecurityEventType: String, Sendable, CaseIterable, Codable {
    case firmwareUpdated = "FirmwareUpdated"
    case failedToAuthenticateAtCentralSystem = "FailedToAuthenticateAtCentralSystem"
    case centralSystemFailedToAuthenticate = "CentralSystemFailedToAuthenticate"
    case settingSystemTime = "SettingSystemTime"
    case startupOfTheDevice = "StartupOfTheDevice"
    case resetOrReboot = "ResetOrReboot"
    case securityLogWasCleared = "SecurityLogWasCleared"
    case reconfigurationOfSecurityParameters = "ReconfigurationOfSecurityParameters"
    case memoryExhaustion = "MemoryExhaustion"
    case invalidMessages = "InvalidMessages"
    case attemptedReplayAttacks = "AttemptedReplayAttacks"
    case tamperDetectionActivated = "TamperDetectionActivated"
    case invalidFirmwareSignature = "InvalidFirmwareSignature"
    case invalidFirmwareSigningCertificate = "InvalidFirmwareSigningCertificate"
    case invalidCentralSystemCertificate = "InvalidCentralSystemCertificate"
    case invalidChargePointCertificate = "InvalidChargePointCertificate"
    case invalidTLSVersion = "InvalidTLSVersion"
    case invalidTLSCipherSuite = "InvalidTLSCipherSuite"

    public var isCritical: Bool {
        switch self {
        case .firmwareUpdated, .settingSystemTime, .startupOfTheDevice, .resetOrReboot, .securityLogWasCleared,
            .memoryExhaustion, .tamperDetectionActivated:
            true
        default:
            false
        }
    }
}

/// The events the API may report for the hardware: the ones this software cannot see for itself.
public enum HardwareSecurityEvent: String, Sendable, CaseIterable, Codable {
    case tamperDetectionActivated = "TamperDetectionActivated"
    case settingSystemTime = "SettingSystemTime"
    case memoryExhaustion = "MemoryExhaustion"

    public var type: SecurityEventType { SecurityEventType(rawValue: rawValue)! }
}

/// One entry of the security log.
public struct SecurityEvent: Codable, Sendable, Equatable {
    public var type: SecurityEventType
    public var timestamp: Timestamp
    public var techInfo: String?

    public init(type: SecurityEventType, timestamp: Timestamp, techInfo: String?) {
        self.type = type
        self.timestamp = timestamp
        self.techInfo = techInfo
    }

    /// The line the SecurityLog upload carries.
    public var logLine: String {
        "\(timestamp.iso8601) \(type.rawValue)\(type.isCritical ? " (critical)" : "")\(techInfo.map { ": \($0)" } ?? "")"
    }
}

/// What the installer provides on the command line; the CSMS may raise the profile and replace the key
/// and certificates later, and those persisted values then win.
public struct SecuritySettings: Sendable {
    public var minimumProfile: Int
    public var authorizationKey: String?
    public var keyEncoding: AuthorizationKeyEncoding
    /// Trusted for the CSMS's server certificate besides the installed CentralSystemRootCertificates.
    public var trustedCertificatesPEM: String?
    public var clientCertificateChainPEM: String?
    public var clientKeyPEM: String?

    public init(
        minimumProfile: Int = 0, authorizationKey: String? = nil, keyEncoding: AuthorizationKeyEncoding = .text,
        trustedCertificatesPEM: String? = nil, clientCertificateChainPEM: String? = nil, clientKeyPEM: String? = nil
    ) {
        self.minimumProfile = minimumProfile
        self.authorizationKey = authorizationKey
        self.keyEncoding = keyEncoding
        self.trustedCertificatesPEM = trustedCertificatesPEM
        self.clientCertificateChainPEM = clientCertificateChainPEM
        self.clientKeyPEM = clientKeyPEM
    }
}

/// A root certificate installed with InstallCertificate.
public struct InstalledCertificate: Codable, Sendable, Equatable {
    public var use: CertificateUse
    public var pem: String

    public init(use: CertificateUse, pem: String) {
        self.use = use
        self.pem = pem
    }
}

/// The security material the CSMS gave the charge point, kept across restarts.
public struct SecurityRecord: Codable, Sendable, Equatable {
    /// Set with ChangeConfiguration; wins over the command line's key.
    public var authorizationKey: String?
    public var certificates: [InstalledCertificate]
    /// The charge point certificate from CertificateSigned (leaf first) and its key.
    public var chargePointCertificateChainPEM: String?
    public var chargePointKeyPEM: String?
    /// The key of the last certificate signing request, until CertificateSigned brings its certificate.
    public var pendingKeyPEM: String?

    public init(
        authorizationKey: String? = nil, certificates: [InstalledCertificate] = [],
        chargePointCertificateChainPEM: String? = nil, chargePointKeyPEM: String? = nil, pendingKeyPEM: String? = nil
    ) {
        self.authorizationKey = authorizationKey
        self.certificates = certificates
        self.chargePointCertificateChainPEM = chargePointCertificateChainPEM
        self.chargePointKeyPEM = chargePointKeyPEM
        self.pendingKeyPEM = pendingKeyPEM
    }
}

/// A SecurityProfile raise on trial: committed when a connection with it succeeds, undone when the first
/// attempt fails ([SEC] A05).
struct SecurityProfileTrial: Sendable, Equatable {
    enum Phase: Sendable, Equatable {
        /// The old connection is being closed.
        case switching
        /// Connecting with the new profile.
        case trying
    }

    var previous: Int
    var phase: Phase
}
