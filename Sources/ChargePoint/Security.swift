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

/// How the AuthorizationKey becomes the Basic-auth password: implementations differ ([J] §6 sends the
/// hex-decoded bytes, others the configured string), so the installer chooses.
public enum AuthorizationKeyEncoding: String, Sendable, CaseIterable {
    /// The key string as configured: 16 to 40 printable ASCII characters.
    case text
    /// 32 to 40 hex digits (16 to 20 bytes), sent decoded.
    case hex

    /// The password bytes, nil if `key` is not a valid key in this encoding.
    public func password(for key: String) -> [UInt8]? {
        let bytes = Array(key.utf8)
        switch self {
        case .text:
            guard (16...40).contains(bytes.count), bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
            return bytes
        case .hex:
            guard (32...40).contains(bytes.count), bytes.count.isMultiple(of: 2) else { return nil }
            var decoded: [UInt8] = []
            var index = 0
            while index < bytes.count {
                guard let high = Self.nibble(bytes[index]), let low = Self.nibble(bytes[index + 1]) else { return nil }
                decoded.append(high << 4 | low)
                index += 2
            }
            return decoded
        }
    }

    public var requirement: String {
        switch self {
        case .text: "16 to 40 printable ASCII characters without spaces"
        case .hex: "32 to 40 hexadecimal digits (16 to 20 bytes)"
        }
    }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
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

/// What the websocket needs to connect with the current security profile.
public struct LinkSecurity: Sendable, Equatable, CustomStringConvertible {
    public var profile: Int
    /// Profiles 1 and 2; the user is the identity.
    public var basicAuthPassword: [UInt8]?
    /// Nil trusts the system's CAs.
    public var trustedCertificatesPEM: String?
    /// Profile 3.
    public var clientCertificateChainPEM: String?
    public var clientKeyPEM: String?

    public var description: String {
        var parts = ["security profile \(profile)"]
        if basicAuthPassword != nil { parts.append("basic auth") }
        if profile >= 2 { parts.append(trustedCertificatesPEM == nil ? "system CAs" : "own trusted CAs") }
        if clientCertificateChainPEM != nil { parts.append("client certificate") }
        return parts.joined(separator: ", ")
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
