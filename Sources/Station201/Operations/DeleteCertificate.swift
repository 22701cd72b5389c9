import Certificates
import OCPP201

extension StationEngine {
    /// Removes the installed certificate the hash data names, hashed with the algorithm given [M04.FR.07].
    /// The station's own certificate is never deleted [M04.FR.06]. Deleting the last CSMS root is allowed, as
    /// the specification has no rule against it: the link then trusts the installer's CAs from the next
    /// connection.
    mutating func deleteCertificate(_ request: DeleteCertificateRequest) -> DeleteCertificateResponse {
        let wanted = request.certificateHashData
        guard let index = installedCertificates.index(named: wanted) else {
            if namesStationCertificate(wanted) {
                logger.warning("DeleteCertificate refused: it names the station's own certificate")
                return DeleteCertificateResponse(
                    status: .failed,
                    statusInfo: StatusInfo(reasonCode: "UnsupportedRequest", additionalInfo: "the ChargingStationCertificate is never deleted"))
            }
            return DeleteCertificateResponse(status: .notFound)
        }
        let removed = installedCertificates.remove(at: index)
        persist(.installedCertificateRemoved(removed))
        logger.notice("deleted a \(removed.use.rawValue)")
        if removed.use == .csmsRootCertificate { emit(.updateLinkSecurity(linkSecurity)) }
        return DeleteCertificateResponse(status: .accepted)
    }

    /// Whether the hash data names the certificate the station presents under profile 3 (its issuer is the
    /// next certificate of the chain, or an installed root).
    private func namesStationCertificate(_ data: CertificateHashData) -> Bool {
        guard let chain = stationCertificateChain, let leaf = chain.first else { return false }
        let issuer = chain.dropFirst().first
            ?? (installedCertificates.certificates(.csmsRootCertificate) + installerRoots).first { $0.subject == leaf.issuer }
        guard let issuer else { return false }
        return leaf.hashes(Certificates.HashAlgorithm(data.hashAlgorithm), issuer: issuer).isNamed(
            issuerNameHash: data.issuerNameHash.value, issuerKeyHash: data.issuerKeyHash.value,
            serialNumber: data.serialNumber.value)
    }
}
