/// [SCH] InstallCertificateRequest: a root certificate for the station to trust for one purpose [M05].
public struct InstallCertificateRequest: OCPPRequest, Equatable {
    public typealias Response = InstallCertificateResponse
    public static let action = Action.installCertificate
    public var certificateType: InstallCertificateUse
    /// One PEM X.509 certificate.
    public var certificate: CiString<5500>

    public init(certificateType: InstallCertificateUse, certificate: CiString<5500>) {
        self.certificateType = certificateType
        self.certificate = certificate
    }
}

public struct InstallCertificateResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: InstallCertificateStatus
    public var statusInfo: StatusInfo?

    public init(status: InstallCertificateStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
