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

/// The security events of [P2A] security_events.csv, spelt as 2.0.1 spells them (1.6's `…CentralSystem…`
/// became `…Csms…`).
public enum SecurityEventType: String, Sendable, CaseIterable, Codable {
    case firmwareUpdated = "FirmwareUpdated"
    case failedToAuthenticateAtCsms = "FailedToAuthenticateAtCsms"
    case csmsFailedToAuthenticate = "CsmsFailedToAuthenticate"
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
    case invalidCsmsCertificate = "InvalidCsmsCertificate"
    case invalidChargingStationCertificate = "InvalidChargingStationCertificate"
    case invalidTLSVersion = "InvalidTLSVersion"
    case invalidTLSCipherSuite = "InvalidTLSCipherSuite"
    case maintenanceLoginAccepted = "MaintenanceLoginAccepted"
    case maintenanceLoginFailed = "MaintenanceLoginFailed"

    /// The events the CSMS must hear [A04.FR.01/02]; this station sends the others too.
    public var isCritical: Bool {
        switch self {
        case .failedToAuthenticateAtCsms, .csmsFailedToAuthenticate, .reconfigurationOfSecurityParameters,
            .invalidMessages, .attemptedReplayAttacks:
            false
        default:
            true
        }
    }
}

/// One entry of the security log [A04.FR.04], and whether the CSMS has it: an undelivered one is sent again
/// after a restart, through the same queue as before it.
public struct SecurityLogEntry: Codable, Sendable, Equatable {
    /// Increasing, never reused.
    public var id: Int
    public var type: SecurityEventType
    public var timestamp: Timestamp
    public var techInfo: String?
    public var delivered: Bool

    public init(id: Int, type: SecurityEventType, timestamp: Timestamp, techInfo: String?, delivered: Bool) {
        self.id = id
        self.type = type
        self.timestamp = timestamp
        self.techInfo = techInfo
        self.delivered = delivered
    }
}

/// Security profiles 1–3 and the Basic-auth password ([A00], [A01], [A05] as far as SetNetworkProfile goes):
/// which credentials the link uses, and the events a refused connection raises.
extension StationEngine {
    /// Entries the security log keeps (the store trims to the same number).
    public static let securityLogCapacity = 1000

    /// The credentials of the network profile in use.
    public var linkSecurity: LinkSecurity {
        let profile = networkProfiles.activeSecurityProfile
        let client = profile == 3 ? clientCredential : nil
        return LinkSecurity(
            profile: profile, basicAuthPassword: (1...2).contains(profile) ? basicAuthPassword.map { Array($0.utf8) } : nil,
            trustedCertificatesPEM: trustedCertificatesPEM, clientCertificateChainPEM: client?.chainPEM,
            clientKeyPEM: client?.keyPEM)
    }

    /// The link is up with the active network profile: a raised security profile is now the floor
    /// [A05.FR.06] — the profiles below it are deleted and NetworkConfigurationPriority lists only the rest.
    mutating func securityProfileConnected() {
        let dropped = networkProfiles.dropSlotsBelowActiveSecurityProfile()
        guard !dropped.isEmpty else { return }
        for slot in dropped where slot != 1 { persist(.networkProfileRemoved(slot: slot)) }
        setStoredVariable(
            StandardVariables.networkConfigurationPriority, to: networkProfiles.priority.map(String.init).joined(separator: ","))
        let profile = networkProfiles.activeSecurityProfile
        logger.notice("security: connected with security profile \(profile); slots \(dropped) of lower profiles removed")
        raiseSecurityEvent(
            .reconfigurationOfSecurityParameters,
            detail: "security profile \(profile) in use; network profiles of lower ones removed")
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
        logger.notice("security: the BasicAuthPassword changed; reconnecting with it")
        afterAnswer.append(.useCSMS(networkProfiles.activeURL, linkSecurity))
        raiseSecurityEvent(.reconfigurationOfSecurityParameters, detail: "BasicAuthPassword changed")
    }

    /// A connection attempt refused for a security reason: logged, and told to the CSMS once the link is back.
    mutating func securityFailed(_ type: SecurityEventType, detail: String) {
        logger.warning("security: \(type.rawValue): \(detail)")
        raiseSecurityEvent(type, detail: detail)
    }

    /// Logs the event and queues it for the CSMS, persisted first [A04.FR.01/02/04]. One of a kind waits at a
    /// time: a link refused at every attempt of a long outage is one event, with the time of the first refusal.
    /// - Returns: the entry logged, or the one of its kind still waiting.
    @discardableResult
    mutating func raiseSecurityEvent(_ type: SecurityEventType, detail: String?) -> SecurityLogEntry {
        if let waiting = securityLog.last(where: { $0.type == type && !$0.delivered }) { return waiting }
        let entry = SecurityLogEntry(
            id: (securityLog.last?.id ?? 0) + 1, type: type, timestamp: now.wallClock,
            techInfo: detail.map { String($0.prefix(255)) }, delivered: false)
        securityLog.append(entry)
        if securityLog.count > Self.securityLogCapacity { securityLog.removeFirst(securityLog.count - Self.securityLogCapacity) }
        persist(.securityLogEntry(entry))
        if registration.isAccepted { queueSecurityEvent(entry) }
        return entry
    }

    /// Queues the entry's SecurityEventNotification once; its answer marks it delivered.
    mutating func queueSecurityEvent(_ entry: SecurityLogEntry) {
        guard securityEventsQueued.insert(entry.id).inserted else { return }
        outbox.enqueue(
            SecurityEventNotificationRequest(
                type: CiString(entry.type.rawValue)!, timestamp: entry.timestamp,
                techInfo: entry.techInfo.flatMap { CiString($0) }),
            purpose: .securityEvent(id: entry.id))
    }

    /// The CSMS has it, or refused it with a CALLERROR (sending it again would be refused again); without an
    /// answer (a timeout, the link lost) it waits for its turn again.
    mutating func securityEventAnswered(id: Int, _ failure: CallFailure?) {
        securityEventsQueued.remove(id)
        guard let index = securityLog.firstIndex(where: { $0.id == id }) else { return }
        switch failure {
        case .timeout?, .linkLost?:
            queueSecurityEvent(securityLog[index])
        case nil, .callError?, .unreadableAnswer?:
            securityLog[index].delivered = true
            persist(.securityLogEntry(securityLog[index]))
        }
    }

    /// Once the CSMS has accepted the station: what it has not acknowledged goes, in order, after the
    /// connectors' StatusNotifications (a restart's leftovers, what happened while not registered).
    mutating func queueUndeliveredSecurityEvents() {
        guard securityEventsDue, registration.isAccepted else { return }
        securityEventsDue = false
        for entry in securityLog where !entry.delivered { queueSecurityEvent(entry) }
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
