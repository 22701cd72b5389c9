import Certificates
import OCPP201

extension StationEngine {
    /// One certificate, valid now, while `CertificateEntries` has room [M05.FR.02–07]; the same one again
    /// replaces itself [M05.FR.17]. A CSMS root is trusted from the next connection on: the open one stays.
    mutating func installCertificate(_ request: InstallCertificateRequest) -> InstallCertificateResponse {
        let certificate: Certificate
        do throws(CertificateError) {
            certificate = try Certificate.single(pem: request.certificate.value, validAt: unixNow)
        } catch {
            logger.warning("InstallCertificate \(request.certificateType.rawValue) refused: \(error)")
            return InstallCertificateResponse(status: .rejected, statusInfo: Self.invalidCertificate("\(error)"))
        }
        guard !installedCertificates.contains(request.certificateType, certificate) else {
            return InstallCertificateResponse(status: .accepted)
        }
        let capacity = settings.certificateCapacity
        guard installedCertificates.count < capacity else {
            logger.warning("InstallCertificate refused: the station holds \(capacity) certificates, its most")
            return InstallCertificateResponse(
                status: .rejected,
                statusInfo: StatusInfo(reasonCode: "TooManyElements", additionalInfo: CiString("CertificateEntries is at its maxLimit \(capacity)")))
        }
        persist(.installedCertificate(installedCertificates.add(request.certificateType, certificate)))
        logger.notice("installed a \(request.certificateType.rawValue): \(certificate.subject)")
        if request.certificateType == .csmsRootCertificate { emit(.updateLinkSecurity(linkSecurity)) }
        return InstallCertificateResponse(status: .accepted)
    }

    /// The station's clock in unix seconds, as certificate validity is written.
    var unixNow: Int64 { now.wallClock.millisecondsSince1970 / 1000 }

    /// `InvalidCertificate` [P2A] with what was wrong, cut to fit.
    static func invalidCertificate(_ detail: String) -> StatusInfo {
        StatusInfo(reasonCode: "InvalidCertificate", additionalInfo: CiString(String(detail.prefix(512))))
    }
}
