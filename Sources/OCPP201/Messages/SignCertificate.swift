/// [SCH] SignCertificateRequest: a PEM PKCS#10 request for the CSMS to have signed [A02, A03].
public struct SignCertificateRequest: OCPPRequest, Equatable {
    public typealias Response = SignCertificateResponse
    public static let action = Action.signCertificate
    public var csr: CiString<5500>
    public var certificateType: CertificateSigningUse?

    public init(csr: CiString<5500>, certificateType: CertificateSigningUse? = nil) {
        self.csr = csr
        self.certificateType = certificateType
    }
}

public struct SignCertificateResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: GenericStatus
    public var statusInfo: StatusInfo?

    public init(status: GenericStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
