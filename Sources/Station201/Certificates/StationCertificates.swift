import Certificates
import EngineSupport
import OCPP201

/// The certificate the CSMS signed, parsed once.
struct SignedCertificateInUse: Sendable {
    var record: SignedStationCertificate
    /// Leaf first.
    var chain: [Certificate]

    init(record: SignedStationCertificate, chain: [Certificate]) {
        self.record = record
        self.chain = chain
    }

    /// A stored certificate that no longer parses (a store edited by hand) is not used.
    init?(restoring record: SignedStationCertificate?) {
        guard let record, let chain = try? Certificate.parseChain(pem: record.chainPEM) else { return nil }
        self.init(record: record, chain: chain)
    }
}

/// The station's own certificate [A02, A03] and the roots it trusts for the CSMS: a CSR for a new key on
/// request or before the certificate in use expires, its resends, and the credentials the link uses.
extension StationEngine {
    /// A03 starts a month before the certificate in use expires [A03.FR.02], and is tried again daily until a
    /// certificate comes.
    static let certificateRenewalLead: Int64 = 30 * 86_400
    static let certificateRenewalRetry = Duration.seconds(86_400)

    /// What a CSMS server certificate and a CertificateSigned chain are checked against: the installed
    /// CSMSRootCertificates, then the installer's CAs (`--ca-file`).
    var csmsRoots: [Certificate] {
        installedCertificates.certificates(.csmsRootCertificate) + installerRoots
    }

    var installerRoots: [Certificate] {
        settings.security.trustedCertificatesPEM.flatMap { try? Certificate.parseChain(pem: $0) } ?? []
    }

    /// The installed CSMS roots and the installer's CAs as one PEM bundle for the link; nil when there is
    /// neither (the system's CAs are trusted then).
    var trustedCertificatesPEM: String? {
        // Each installed PEM ends with a newline, so the installer's bundle, last, is passed on as given.
        let bundle = installedCertificates.certificates(.csmsRootCertificate).map(\.pem)
            + [settings.security.trustedCertificatesPEM].compactMap { $0 }
        return bundle.isEmpty ? nil : bundle.joined()
    }

    /// The certificate and key profile 3 presents: the CSMS-signed one once its validity has begun, else the
    /// installer's (`--client-cert`, `--client-key`).
    var clientCredential: (chainPEM: String, keyPEM: String)? {
        if let signed = signedCertificate, signed.chain[0].notBefore <= unixNow {
            return (signed.record.chainPEM, signed.record.keyPEM)
        }
        guard let chain = settings.security.clientCertificateChainPEM, let key = settings.security.clientKeyPEM else {
            return nil
        }
        return (chain, key)
    }

    /// The chain of the certificate profile 3 presents, parsed; nil without one.
    var stationCertificateChain: [Certificate]? {
        if let signed = signedCertificate, signed.chain[0].notBefore <= unixNow { return signed.chain }
        return settings.security.clientCertificateChainPEM.flatMap { try? Certificate.parseChain(pem: $0) }
    }

    // MARK: - A02: a CSR for a new key

    /// A new P-256 key and a CSR with O = OrganizationName and CN = the station's serial number, else its
    /// identity (what the CSMS compares with the client certificate [B01.FR.11/12]) [A02.FR.02/03/05]. Refused
    /// while OrganizationName is empty: a CSR without an O cannot be signed as the CSMS checks it.
    mutating func requestStationCertificate() -> TriggerMessageResponse {
        certificateRequestedAt = now.uptime
        let organization = deviceModel.text(StandardVariables.organizationName)
        guard !organization.isEmpty else {
            logger.warning("security: cannot ask for a station certificate while SecurityCtrlr.OrganizationName is empty")
            return TriggerMessageResponse(
                status: .rejected, statusInfo: StatusInfo(reasonCode: "InvalidValue", additionalInfo: "SecurityCtrlr.OrganizationName is not set"))
        }
        let request: PendingCertificateRequest
        do throws(CertificateError) {
            let key = try PrivateKey.generateP256()
            let csr = try key.certificateSigningRequest(commonName: stationCommonName, organization: organization)
            request = PendingCertificateRequest(csr: csr, keyPEM: key.pem)
        } catch {
            logger.error("security: cannot build a certificate signing request: \(error)")
            return TriggerMessageResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "InternalError"))
        }
        certificateSigning.started(request)
        persist(.pendingCertificateRequest(request))
        sendSigningRequest(request.csr)
        return TriggerMessageResponse(status: .accepted)
    }

    /// The CN of the station's certificate: its serial number [A §1.3], or its identity without one.
    private var stationCommonName: String {
        settings.description.serialNumber?.value ?? settings.identity
    }

    private mutating func sendSigningRequest(_ csr: String) {
        outbox.enqueue(
            SignCertificateRequest(csr: CiString(csr)!, certificateType: .chargingStationCertificate),
            purpose: .signCertificate)
    }

    /// The CSMS's answer to SignCertificate: Accepted starts the wait for the certificate, Rejected ends the
    /// request [A02.FR.17]. An answer that does not come counts as Accepted, so the CSR goes again.
    mutating func signCertificateAnswered(_ status: GenericStatus?) {
        guard status != .rejected else {
            logger.warning("security: the CSMS will not sign the station certificate")
            certificateSigning.finished()
            persist(.pendingCertificateRequest(nil))
            return
        }
        certificateSigning.waitForCertificate(
            from: now.uptime, waitMinimumSeconds: deviceModel.integer(StandardVariables.certSigningWaitMinimum),
            repeatTimes: deviceModel.integer(StandardVariables.certSigningRepeatTimes))
    }

    /// Connects again with the signed certificate once its validity begins [A02.FR.08], resends the CSR when
    /// its wait is over [A02.FR.17–19], and starts a renewal when it is due [A03].
    mutating func runCertificateTimers() {
        if let startsAt = signedCertificateStartsAt, startsAt <= now.uptime {
            signedCertificateAwaitsStart = false
            if networkProfiles.activeSecurityProfile == 3 {
                logger.notice("security: the signed station certificate is valid from now on; connecting again with it")
                emit(.useCSMS(networkProfiles.activeURL, linkSecurity))
            }
        }
        guard registration.isAccepted, link == .connected else { return }
        if let resendAt = certificateSigning.resendAt, resendAt <= now.uptime, let csr = certificateSigning.resend() {
            logger.notice("security: no certificate for the CSR yet; sending it again")
            sendSigningRequest(csr)
        }
        if let due = certificateRenewalDue, due <= now.uptime {
            logger.notice("security: the station certificate expires within 30 days; asking for a new one")
            _ = requestStationCertificate()
        }
    }

    /// When the next A03 renewal is due, on the uptime clock: a month before the certificate expires, and a
    /// day after the last CSR at the earliest; nil while no certificate is in use.
    var certificateRenewalDue: Duration? {
        guard let leaf = renewableCertificate else { return nil }
        let due = now.uptime(at: Timestamp(millisecondsSince1970: (leaf.notAfter - Self.certificateRenewalLead) * 1000))
        guard let tried = certificateRequestedAt else { return due }
        return max(due, tried + Self.certificateRenewalRetry)
    }

    /// The certificate A03 renews: the CSMS-signed one, else the installer's while profile 3 uses it.
    private var renewableCertificate: Certificate? {
        if let signed = signedCertificate { return signed.chain[0] }
        guard networkProfiles.activeSecurityProfile == 3 else { return nil }
        return settings.installerCertificate
    }

    /// When a signed certificate whose validity has not begun yet becomes the one profile 3 presents.
    var signedCertificateStartsAt: Duration? {
        guard signedCertificateAwaitsStart, let leaf = signedCertificate?.chain[0] else { return nil }
        return now.uptime(at: Timestamp(millisecondsSince1970: leaf.notBefore * 1000))
    }

    func considerCertificateDeadlines(_ earliest: inout EarliestDeadline) {
        earliest.consider(signedCertificateStartsAt)
        guard registration.isAccepted, link == .connected else { return }
        earliest.consider(certificateSigning.resendAt)
        earliest.consider(certificateRenewalDue)
    }
}
