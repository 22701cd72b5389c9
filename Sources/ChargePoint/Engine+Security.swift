import EngineSupport
import OCPP16

/// Security profiles and the security log ([SEC] A01–A05, §8): which credentials the link uses, how a
/// profile raise is tried and undone, and how security events reach the log and the CSMS.
extension ChargePointEngine {
    static let certificateStoreCapacity = 10
    /// Entries the security log keeps (the store trims to the same number).
    public static let securityLogCapacity = 1000

    /// The key the CSMS set last, else the installer's.
    var authorizationKey: String? { security.authorizationKey ?? settings.security.authorizationKey }

    var basicAuthPassword: [UInt8]? { authorizationKey.flatMap(settings.security.keyEncoding.password(for:)) }

    /// Installed CentralSystemRootCertificates and the installer's CA bundle, nil when there is neither.
    var trustedRootsPEM: String? {
        let installed = security.certificates.filter { $0.use == .centralSystemRootCertificate }.map(\.pem)
        let all = installed + [settings.security.trustedCertificatesPEM].compactMap { $0 }
        return all.isEmpty ? nil : all.map { $0.hasSuffix("\n") ? $0 : $0 + "\n" }.joined()
    }

    /// The certificate from CertificateSigned, else the installer's.
    var clientCredential: (chain: String, key: String)? {
        if let chain = security.chargePointCertificateChainPEM, let key = security.chargePointKeyPEM { return (chain, key) }
        if let chain = settings.security.clientCertificateChainPEM, let key = settings.security.clientKeyPEM { return (chain, key) }
        return nil
    }

    /// The credentials of the current profile.
    public var linkSecurity: LinkSecurity {
        let profile = configuration.integer(.securityProfile)
        let credential = profile == 3 ? clientCredential : nil
        return LinkSecurity(
            profile: profile, basicAuthPassword: (1...2).contains(profile) ? basicAuthPassword : nil,
            trustedCertificatesPEM: trustedRootsPEM, clientCertificateChainPEM: credential?.chain,
            clientKeyPEM: credential?.key)
    }

    /// What the current profile lacks to connect at all, said so that the installer can fix it.
    public var linkSecurityProblem: String? {
        let profile = configuration.integer(.securityProfile)
        if (1...2).contains(profile), basicAuthPassword == nil {
            return authorizationKey == nil
                ? "security profile \(profile) needs an AuthorizationKey (--auth-key-file, CP_AUTH_KEY_FILE or CP_AUTH_KEY)"
                : "the AuthorizationKey is not valid for --auth-key-encoding \(settings.security.keyEncoding.rawValue): it must be \(settings.security.keyEncoding.requirement)"
        }
        if profile == 3, clientCredential == nil {
            return "security profile 3 needs a client certificate and key (--client-cert and --client-key)"
        }
        return nil
    }

    // MARK: - Changes over ChangeConfiguration

    /// Applies the whitepaper's rules for a SecurityProfile change ([SEC] A05): only upwards, and only with
    /// what the new profile needs at hand. The raise is tried once the answer is out.
    mutating func raiseSecurityProfile(to text: String) throws(ConfigurationRefusal) {
        let current = configuration.integer(.securityProfile)
        let value = try configuration.parse(text, for: .securityProfile)
        guard case .integer(let profile) = value else { return }
        func refuse(_ expected: String) -> ConfigurationRefusal { .invalidValue(.securityProfile, text, expected: expected) }
        guard profile > current else { throw refuse("a profile above the current \(current): profiles can only be raised") }
        if (1...2).contains(profile), basicAuthPassword == nil { throw refuse("a lower profile until an AuthorizationKey is set") }
        if profile >= 2, trustedRootsPEM == nil {
            throw refuse("a lower profile until a CentralSystemRootCertificate is installed")
        }
        if profile == 3, clientCredential == nil { throw refuse("a lower profile until a charge point certificate is installed") }
        logger.notice("security profile \(current) → \(profile): reconnecting to try it")
        configuration.set(.securityProfile, value)
        // A raise on top of one not yet tried falls back to the profile that last connected.
        securityProfileTrial = SecurityProfileTrial(previous: securityProfileTrial?.previous ?? current, phase: .switching)
        reconfigureLink(reconnect: true)
    }

    /// A new key is used at once: the link reconnects with it, keeping the queue ([SEC] A01).
    mutating func changeAuthorizationKey(to key: String) throws(ConfigurationRefusal) {
        let encoding = settings.security.keyEncoding
        guard encoding.password(for: key) != nil else {
            throw .invalidSecret(Self.authorizationKeyName, expected: encoding.requirement)
        }
        security.authorizationKey = key
        persist(.saveSecurity(security))
        logger.notice("AuthorizationKey changed; reconnecting with it")
        raiseSecurityEvent(.reconfigurationOfSecurityParameters, techInfo: "AuthorizationKey changed")
        reconfigureLink(reconnect: true)
    }

    /// The link takes the current credentials once this input's answers are out; `reconnect` switches
    /// the open connection too (otherwise only the next one uses them). Requests within one input merge.
    mutating func reconfigureLink(reconnect: Bool) {
        linkChange = (linkChange ?? false) || reconnect
    }

    // MARK: - Link outcomes

    mutating func securityProfileConnected() {
        reportedUntilNextConnection = []
        guard let trial = securityProfileTrial else { return }
        securityProfileTrial = nil
        let profile = configuration.integer(.securityProfile)
        configurationChanged(.securityProfile)
        raiseSecurityEvent(.reconfigurationOfSecurityParameters, techInfo: "SecurityProfile \(trial.previous) → \(profile)")
    }

    /// The first attempt with a raised profile failed: back to the previous one, which worked.
    mutating func securityProfileConnectFailed() {
        guard let trial = securityProfileTrial, trial.phase == .trying else { return }
        securityProfileTrial = nil
        logger.warning("could not connect with security profile \(configuration.integer(.securityProfile)); falling back to \(trial.previous)")
        configuration.set(.securityProfile, .integer(trial.previous))
        reconfigureLink(reconnect: true)
    }

    mutating func linkSecurityFailed(_ type: SecurityEventType, detail: String) {
        logger.warning("connection refused for a security reason (\(type.rawValue)): \(detail)")
        raiseSecurityEventOncePerConnection(type, techInfo: detail)
    }

    /// A CSMS that keeps failing, or keeps sending garbage, fills the log and the queue with one event, not
    /// one per attempt or frame.
    mutating func raiseSecurityEventOncePerConnection(_ type: SecurityEventType, techInfo: String) {
        guard reportedUntilNextConnection.insert(type).inserted else { return }
        raiseSecurityEvent(type, techInfo: techInfo)
    }

    /// What the hardware side reports through the API (a tamper switch, the clock being set, memory).
    mutating func reportHardwareSecurityEvent(_ type: SecurityEventType, techInfo: String?, reply replyID: ReplyID) {
        raiseSecurityEvent(type, techInfo: techInfo)
        reply(replyID, .securityEvent(securityLog[securityLog.count - 1]))
    }

    // MARK: - Security log

    /// The longest prefix of whole characters within `maximumBytes` of UTF-8 (CiString bounds count bytes).
    static func prefix(_ text: String, maximumBytes: Int) -> String {
        var length = 0
        var end = text.startIndex
        for index in text.indices {
            let size = text[index].utf8.count
            guard length + size <= maximumBytes else { break }
            length += size
            end = text.index(after: index)
        }
        return String(text[..<end])
    }

    /// Logs the event and queues its SecurityEventNotification with the delivery guarantee of transaction
    /// messages ([SEC] A04), so it reaches the CSMS once the link is back.
    mutating func raiseSecurityEvent(_ type: SecurityEventType, techInfo: String? = nil) {
        let info = techInfo.map { Self.prefix($0, maximumBytes: 255) }
        let event = SecurityEvent(type: type, timestamp: now.wallClock, techInfo: info)
        securityLog.append(event)
        if securityLog.count > Self.securityLogCapacity { securityLog.removeFirst(securityLog.count - Self.securityLogCapacity) }
        persist(.appendSecurityEvent(event))
        logger.notice("security event \(type.rawValue)\(info.map { ": \($0)" } ?? "")")
        let request = SecurityEventNotificationRequest(
            type: CiString<50>(type.rawValue)!, timestamp: event.timestamp, techInfo: info.flatMap(CiString<255>.init))
        enqueueTransactionMessage(.securityEvent(request), localId: 0)
    }
}
