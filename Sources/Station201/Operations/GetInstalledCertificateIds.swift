import Certificates
import OCPP201

extension StationEngine {
    /// The installed certificates of the types asked for, every type when none is [M03], hashed with SHA-256.
    /// The station has no ISO 15118 material, so a V2GCertificateChain is never among them.
    func getInstalledCertificateIds(_ request: GetInstalledCertificateIdsRequest) -> GetInstalledCertificateIdsResponse {
        let wanted = Set(request.certificateType ?? GetCertificateIdUse.allCases)
        let chains = installedCertificates.entries.indices.compactMap { index -> CertificateHashDataChain? in
            let type = GetCertificateIdUse(installedCertificates.entries[index].record.use)
            guard wanted.contains(type) else { return nil }
            return CertificateHashDataChain(
                certificateType: type, certificateHashData: CertificateHashData(installedCertificates.hashes(of: index, .sha256)))
        }
        return chains.isEmpty
            ? GetInstalledCertificateIdsResponse(status: .notFound)
            : GetInstalledCertificateIdsResponse(status: .accepted, certificateHashDataChain: chains)
    }
}

extension GetCertificateIdUse {
    init(_ use: InstallCertificateUse) {
        switch use {
        case .v2gRootCertificate: self = .v2gRootCertificate
        case .moRootCertificate: self = .moRootCertificate
        case .csmsRootCertificate: self = .csmsRootCertificate
        case .manufacturerRootCertificate: self = .manufacturerRootCertificate
        }
    }
}
