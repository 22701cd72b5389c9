import OCPP201

/// What the installer gives on the command line for the link's security [A00]: the security profile of
/// slot 1 (`--csms`) and the credentials every network profile draws on. A BasicAuthPassword the CSMS sets
/// wins over the installer's.
public struct SecurityCredentials: Sendable, Equatable {
    /// The lengths a BasicAuthPassword may have [A00.FR.205; maxLimit 40].
    public static let passwordLengths = 16...40
    static let passwordRequirement = "\(passwordLengths.lowerBound) to \(passwordLengths.upperBound) characters"

    public var profile: Int
    /// Profiles 1 and 2, sent as UTF-8 text [A00.FR.205, A00.FR.304] (1.6's hex reading does not exist here).
    public var basicAuthPassword: String?
    /// Trusted for the CSMS's server certificate (profiles 2 and 3); nil trusts the system's CAs.
    public var trustedCertificatesPEM: String?
    /// Profile 3: the station's certificate (leaf first) and key.
    public var clientCertificateChainPEM: String?
    public var clientKeyPEM: String?

    public init(
        profile: Int = 0, basicAuthPassword: String? = nil, trustedCertificatesPEM: String? = nil,
        clientCertificateChainPEM: String? = nil, clientKeyPEM: String? = nil
    ) {
        self.profile = profile
        self.basicAuthPassword = basicAuthPassword
        self.trustedCertificatesPEM = trustedCertificatesPEM
        self.clientCertificateChainPEM = clientCertificateChainPEM
        self.clientKeyPEM = clientKeyPEM
    }
}

/// The security events of [P2A] security_events.csv this station raises, spelt as 2.0.1 spells them (1.6's
/// `…CentralSystem…` became `…Csms…`).
public enum SecurityEventType: String, Sendable, CaseIterable {
    case failedToAuthenticateAtCsms = "FailedToAuthenticateAtCsms"
    case invalidCsmsCertificate = "InvalidCsmsCertificate"
    case invalidTLSVersion = "InvalidTLSVersion"
    case invalidTLSCipherSuite = "InvalidTLSCipherSuite"
    case reconfigurationOfSecurityParameters = "ReconfigurationOfSecurityParameters"
    case invalidChargingStationCertificate = "InvalidChargingStationCertificate"
}

/// Security profiles 1–3 and the Basic-auth password ([A00], [A01], [A05] as far as SetNetworkProfile goes):
/// which credentials the link uses, and the events a refused connection raises.
extension StationEngine {
    /// The credentials of the network profile in use.
    public var linkSecurity: LinkSecurity {
        let profile = networkProfiles.activeSecurityProfile
        let client = profile == 3 ? clientCredential : nil
        return LinkSecurity(
            profile: profile, basicAuthPassword: (1...2).contains(profile) ? basicAuthPassword.map { Array($0.utf8) } : nil,
            trustedCertificatesPEM: trustedCertificatesPEM, clientCertificateChainPEM: client?.chainPEM,
            clientKeyPEM: client?.keyPEM)
    }

    /// What the profile in use lacks to connect at all, said so that the installer can fix it.
    public var linkSecurityProblem: String? {
        let profile = networkProfiles.activeSecurityProfile
        if (1...2).contains(profile), basicAuthPassword == nil {
            return "security profile \(profile) needs a BasicAuthPassword of \(SecurityCredentials.passwordRequirement) "
                + "(--auth-key-file, CP_AUTH_KEY_FILE or CP_AUTH_KEY)"
        }
        if profile == 3, !canUseProfile3 {
            return "security profile 3 needs a client certificate and key (--client-cert and --client-key)"
        }
        return nil
    }

    /// The password set over OCPP, else the installer's; nil when neither is usable.
    var basicAuthPassword: String? {
        let password = deviceModel.text(StandardVariables.basicAuthPassword(nil))
        return SecurityCredentials.passwordLengths.contains(password.count) ? password : nil
    }

    var canUseProfile3: Bool { clientCredential != nil }

    /// Why a BasicAuthPassword cannot be set to `value` [A01]; nil when it can.
    func passwordRefusal(_ value: String) -> ValueRefusal? {
        SecurityCredentials.passwordLengths.contains(value.count)
            ? nil : .invalidValue("a password of \(SecurityCredentials.passwordRequirement)")
    }

    /// A new password [A01.FR.03]: the link connects again with it once the answer is out, and the change is
    /// in the security log [A01.FR.11/12], never the value.
    mutating func basicAuthPasswordChanged() {
        logger.notice("security: the BasicAuthPassword was changed by the CSMS; reconnecting with it")
        afterAnswer.append(.useCSMS(networkProfiles.activeURL, linkSecurity))
        raiseSecurityEvent(.reconfigurationOfSecurityParameters, detail: "BasicAuthPassword changed")
    }

    /// A connection attempt refused for a security reason: logged, and told to the CSMS once the link is back.
    mutating func securityFailed(_ type: SecurityEventType, detail: String) {
        logger.warning("security: \(type.rawValue): \(detail)")
        raiseSecurityEvent(type, detail: detail)
    }

    /// One of a kind waits at a time: a link refused at every attempt of a long outage is one event, with the
    /// time of the first refusal.
    mutating func raiseSecurityEvent(_ type: SecurityEventType, detail: String) {
        let waiting = outbox.hasQueued { call in
            (call.request as? SecurityEventNotificationRequest)?.type.value == type.rawValue
        }
        guard !waiting else { return }
        outbox.enqueue(
            SecurityEventNotificationRequest(
                type: CiString(type.rawValue)!, timestamp: now.wallClock, techInfo: CiString(String(detail.prefix(255)))),
            purpose: .informational)
    }

    /// Whether a network profile asking for `securityProfile` at `url` can be used [B09.FR.04, A05]: never a
    /// lower profile than the one in use (`NoSecurityDowngrade`), a scheme that matches the profile, and the
    /// client certificate that profile 3 needs.
    func networkSecurityRefusal(securityProfile: Int, url: String) -> (reasonCode: String, problem: String)? {
        let current = networkProfiles.activeSecurityProfile
        if securityProfile < current {
            return ("NoSecurityDowngrade", "security profile \(securityProfile) is lower than the one in use (\(current))")
        }
        guard (0...3).contains(securityProfile) else {
            return ("InvalidNetworkConf", "security profiles are 0 to 3")
        }
        let scheme = securityProfile >= 2 ? "wss://" : "ws://"
        if !url.lowercased().hasPrefix(scheme) || url.count <= scheme.count {
            return ("InvalidNetworkConf", "a \(scheme) URL for security profile \(securityProfile)")
        }
        if securityProfile == 3, !canUseProfile3 {
            return ("InvalidNetworkConf", "security profile 3 needs a client certificate this station does not have")
        }
        if (1...2).contains(securityProfile), basicAuthPassword == nil {
            return ("InvalidNetworkConf", "security profile \(securityProfile) needs a BasicAuthPassword; set one first")
        }
        return nil
    }
}
