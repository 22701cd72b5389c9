/// [SCH] DeleteCertificateRequest: removes the installed certificate these hashes name [M04].
public struct DeleteCertificateRequest: OCPPRequest, Equatable {
    public typealias Response = DeleteCertificateResponse
    public static let action = Action.deleteCertificate
    public var certificateHashData: CertificateHashData

    public init(certificateHashData: CertificateHashData) {
        self.certificateHashData = certificateHashData
    }
}

public struct DeleteCertificateResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: DeleteCertificateStatus
    public var statusInfo: StatusInfo?

    public init(status: DeleteCertificateStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
