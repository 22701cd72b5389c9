import Certificates
import OCPP201

extension StationEngine {
    /// Takes the chain only if it fits MaxCertificateChainSize [A02.FR.16], its leaf is for the key of the
    /// pending CSR, and it chains to an installed CSMS root or the installer's CAs [A02.FR.06]; otherwise it
    /// is discarded and `InvalidChargingStationCertificate` raised [A02.FR.07]. Under profile 3 the station
    /// then connects again with it, once its validity has begun [A02.FR.08]; otherwise the next connection
    /// that needs it uses it. A V2G certificate is refused: the station has no ISO 15118.
    mutating func certificateSigned(_ request: CertificateSignedRequest) -> CertificateSignedResponse {
        if request.certificateType == .v2gCertificate {
            return CertificateSignedResponse(
                status: .rejected, statusInfo: StatusInfo(reasonCode: "UnsupportedRequest", additionalInfo: "no ISO 15118 support"))
        }
        let chain: [Certificate]
        let key: String
        do throws(CertificateError) {
            let text = request.certificateChain.value
            let maximum = settings.maxCertificateChainSize
            guard text.utf8.count <= maximum else {
                throw .malformed("the chain has \(text.utf8.count) bytes; MaxCertificateChainSize is \(maximum)")
            }
            guard let pending = certificateSigning.pending else { throw .malformed("no certificate signing request is pending") }
            key = pending.keyPEM
            chain = try Certificate.parseChain(pem: text)
            guard chain[0].matches(privateKeyPEM: key) else {
                throw .malformed("the certificate is not for the key of the signing request")
            }
            let roots = csmsRoots
            guard !roots.isEmpty else { throw .untrusted(reason: "no CSMSRootCertificate to check it against") }
            try TrustStore.verify(chain, roots: roots, at: max(unixNow, chain[0].notBefore))
        } catch {
            logger.warning("CertificateSigned refused: \(error)")
            raiseSecurityEvent(.invalidChargingStationCertificate, detail: "\(error)")
            return CertificateSignedResponse(status: .rejected, statusInfo: Self.invalidCertificate("\(error)"))
        }
        let record = SignedStationCertificate(chainPEM: chain.map(\.pem).joined(), keyPEM: key)
        signedCertificate = SignedCertificateInUse(record: record, chain: chain)
        certificateSigning.finished()
        certificateRequestedAt = nil
        persist(.stationCertificate(record))
        persist(.pendingCertificateRequest(nil))
        logger.notice("security: new station certificate \(chain[0].subject), valid from \(chain[0].notBefore) to \(chain[0].notAfter)")
        signedCertificateAwaitsStart = chain[0].notBefore > unixNow
        if networkProfiles.activeSecurityProfile == 3, !signedCertificateAwaitsStart {
            afterAnswer.append(.useCSMS(networkProfiles.activeURL, linkSecurity))
        }
        return CertificateSignedResponse(status: .accepted)
    }
}
