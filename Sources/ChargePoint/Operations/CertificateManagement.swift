import Certificates
import EngineSupport
import OCPP16

/// Certificate management of the security whitepaper ([SEC] A02, A03, M03–M05): root certificates for
/// the CSMS link and for firmware signatures, and the charge point's own certificate for profile 3.
extension ChargePointEngine {
    var unixNow: Int64 { now.wallClock.millisecondsSince1970 / 1000 }

    /// The installed roots of one use, parsed (what is stored was validated when it was installed).
    func installedCertificates(_ use: CertificateUse) -> [Certificate] {
        security.certificates.filter { $0.use == use }.compactMap { try? Certificate.parseChain(pem: $0.pem).first }
    }

    /// Roots the CSMS's certificates are checked against: installed ones and the installer's bundle.
    var centralSystemRoots: [Certificate] {
        let configured = settings.security.trustedCertificatesPEM.flatMap { try? Certificate.parseChain(pem: $0) } ?? []
        return installedCertificates(.centralSystemRootCertificate) + configured
    }

    /// One currently valid certificate, while the store has room; installing one already there is a no-op.
    mutating func installCertificate(_ request: InstallCertificateRequest) -> InstallCertificateResponse {
        let certificate: Certificate
        do throws(CertificateError) {
            certificate = try Certificate.single(pem: request.certificate.value, validAt: unixNow)
        } catch {
            logger.warning("InstallCertificate \(request.certificateType.rawValue) refused: \(error)")
            return InstallCertificateResponse(status: .rejected)
        }
        let installed = InstalledCertificate(use: request.certificateType, pem: certificate.pem)
        guard !security.certificates.contains(installed) else { return InstallCertificateResponse(status: .accepted) }
        guard security.certificates.count < configuration.integer(.certificateStoreMaxLength) else {
            logger.warning("InstallCertificate refused: the store holds \(security.certificates.count) certificates already")
            return InstallCertificateResponse(status: .rejected)
        }
        security.certificates.append(installed)
        persist(.saveSecurity(security))
        logger.notice("installed \(request.certificateType.rawValue) \(certificate.subject)")
        if request.certificateType == .centralSystemRootCertificate { reconfigureLink(reconnect: false) }
        return InstallCertificateResponse(status: .accepted)
    }

    /// Never removes the last root the CSMS link relies on under profiles 2 and 3 ([SEC] M04).
    mutating func deleteCertificate(_ request: DeleteCertificateRequest) -> DeleteCertificateResponse {
        let wanted = request.certificateHashData
        guard let algorithm = HashAlgorithm(rawValue: wanted.hashAlgorithm.rawValue),
            let index = security.certificates.firstIndex(where: { stored in
                guard let certificate = try? Certificate.parseChain(pem: stored.pem).first else { return false }
                return Self.matches(certificate.hashes(algorithm), wanted)
            })
        else { return DeleteCertificateResponse(status: .notFound) }
        let target = security.certificates[index]
        let otherRoots = security.certificates.indices.filter {
            $0 != index && security.certificates[$0].use == .centralSystemRootCertificate
        }
        if target.use == .centralSystemRootCertificate, configuration.integer(.securityProfile) >= 2, otherRoots.isEmpty,
            settings.security.trustedCertificatesPEM == nil
        {
            logger.warning("DeleteCertificate refused: it is the CentralSystemRootCertificate the link relies on")
            return DeleteCertificateResponse(status: .failed)
        }
        security.certificates.remove(at: index)
        persist(.saveSecurity(security))
        logger.notice("deleted a \(target.use.rawValue)")
        if target.use == .centralSystemRootCertificate { reconfigureLink(reconnect: false) }
        return DeleteCertificateResponse(status: .accepted)
    }

    func getInstalledCertificateIds(_ request: GetInstalledCertificateIdsRequest) -> GetInstalledCertificateIdsResponse {
        let hashes = installedCertificates(request.certificateType).map { certificate in
            let data = certificate.hashes(.sha256)
            return CertificateHashData(
                hashAlgorithm: .sha256, issuerNameHash: CiString<128>(data.issuerNameHash)!,
                issuerKeyHash: CiString<128>(data.issuerKeyHash)!, serialNumber: CiString<40>(String(data.serialNumber.suffix(40)))!)
        }
        return hashes.isEmpty
            ? GetInstalledCertificateIdsResponse(status: .notFound, certificateHashData: nil)
            : GetInstalledCertificateIdsResponse(status: .accepted, certificateHashData: hashes)
    }

    private static func matches(_ ours: CertificateHashes, _ theirs: CertificateHashData) -> Bool {
        ours.isNamed(
            issuerNameHash: theirs.issuerNameHash.value, issuerKeyHash: theirs.issuerKeyHash.value,
            serialNumber: theirs.serialNumber.value)
    }

    // MARK: - The charge point certificate

    /// The charge point asks for a new certificate itself a month before the one it presents expires, then
    /// once a day until one arrives ([SEC] A03).
    static let certificateRenewalLeadSeconds: Int64 = 30 * 86_400
    static let certificateRenewalRetrySeconds = 86_400

    /// When the next self-initiated renewal is due, on the wall clock; nil without a certificate in use (one
    /// the CSMS signed, or the installer's under profile 3).
    var nextCertificateRenewal: Timestamp? {
        guard let expiry = chargePointCertificateExpiry,
            security.chargePointCertificateChainPEM != nil || configuration.integer(.securityProfile) == 3
        else { return nil }
        let due = Timestamp(millisecondsSince1970: (expiry - Self.certificateRenewalLeadSeconds) * 1000)
        return max(due, certificateRenewalRetryAt ?? due)
    }

    mutating func renewChargePointCertificateIfDue() {
        guard let due = nextCertificateRenewal, due <= now.wallClock, isOnline else { return }
        certificateRenewalRetryAt = now.wallClock.adding(seconds: Self.certificateRenewalRetrySeconds)
        logger.notice("the charge point certificate expires within \(Self.certificateRenewalLeadSeconds / 86_400) days: asking for a new one")
        _ = requestChargePointCertificate(triggered: false)
    }

    /// A new key and a CSR with CN = identity and O = CpoName ([SEC] A02); refused while CpoName is unset.
    mutating func requestChargePointCertificate(triggered: Bool = true) -> TriggerMessageStatus {
        let organization = configuration[.cpoName].text
        guard !organization.isEmpty else {
            logger.warning("cannot ask for a charge point certificate: CpoName is not set")
            return .rejected
        }
        let csr: String
        do throws(CertificateError) {
            let key = try PrivateKey.generateP256()
            csr = try key.certificateSigningRequest(commonName: settings.identity, organization: organization)
            security.pendingKeyPEM = key.pem
        } catch {
            logger.error("cannot build a certificate signing request: \(error)")
            return .rejected
        }
        persist(.saveSecurity(security))
        enqueue(SignCertificateRequest(csr: CiString<5500>(csr)!), purpose: .informational, triggered: triggered)
        return .accepted
    }

    /// Takes the certificate only if it belongs to the key of our request and chains to a trusted root;
    /// otherwise it is discarded and InvalidChargePointCertificate raised ([SEC] A02). Profile 3 then
    /// reconnects with it.
    mutating func certificateSigned(_ request: CertificateSignedRequest) -> GenericStatusResponse {
        let chain: [Certificate]
        do throws(CertificateError) {
            guard let key = security.pendingKeyPEM else { throw .malformed("no certificate signing request is pending") }
            chain = try Certificate.parseChain(pem: request.certificateChain.value)
            guard chain[0].matches(privateKeyPEM: key) else {
                throw .malformed("the certificate is not for the key of the signing request")
            }
            let roots = centralSystemRoots
            guard !roots.isEmpty else { throw .untrusted(reason: "no CentralSystemRootCertificate to check it against") }
            try TrustStore.verify(chain, roots: roots, at: max(unixNow, chain[0].notBefore))
        } catch {
            raiseSecurityEvent(.invalidChargePointCertificate, techInfo: "\(error)")
            return GenericStatusResponse(status: .rejected)
        }
        security.chargePointCertificateChainPEM = chain.map(\.pem).joined()
        security.chargePointKeyPEM = security.pendingKeyPEM
        security.pendingKeyPEM = nil
        persist(.saveSecurity(security))
        chargePointCertificateExpiry = chain[0].notAfter
        certificateRenewalRetryAt = nil
        logger.notice("charge point certificate installed: \(chain[0].subject)")
        if configuration.integer(.securityProfile) == 3 { reconfigureLink(reconnect: true) }
        return GenericStatusResponse(status: .accepted)
    }

    // MARK: - ExtendedTriggerMessage

    /// TriggerMessage's rules for the messages both know; the security messages report their current state.
    mutating func extendedTriggerMessage(_ request: ExtendedTriggerMessageRequest) -> ExtendedTriggerMessageResponse {
        if let connectorId = request.connectorId, !connectors.contains(where: { $0.id == connectorId }) {
            return ExtendedTriggerMessageResponse(status: .rejected)
        }
        let status: TriggerMessageStatus
        switch request.requestedMessage {
        case .bootNotification: status = trigger(.bootNotification, connectorId: request.connectorId)
        case .heartbeat: status = trigger(.heartbeat, connectorId: request.connectorId)
        case .meterValues: status = trigger(.meterValues, connectorId: request.connectorId)
        case .statusNotification: status = trigger(.statusNotification, connectorId: request.connectorId)
        case .firmwareStatusNotification:
            enqueue(signedFirmwareStatusForTrigger, purpose: .informational, triggered: true)
            status = .accepted
        case .logStatusNotification:
            enqueue(logStatusForTrigger, purpose: .informational, triggered: true)
            status = .accepted
        case .signChargePointCertificate:
            status = requestChargePointCertificate()
        }
        return ExtendedTriggerMessageResponse(status: status)
    }
}
