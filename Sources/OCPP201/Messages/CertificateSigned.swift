/// [SCH] CertificateSignedRequest: the signed certificate for the station's last CSR, leaf first, with any
/// sub-CAs after it [A02.FR.06].
public struct CertificateSignedRequest: OCPPRequest, Equatable {
    public typealias Response = CertificateSignedResponse
    public static let action = Action.certificateSigned
    public var certificateChain: CiString<10000>
    public var certificateType: CertificateSigningUse?

    public init(certificateChain: CiString<10000>, certificateType: CertificateSigningUse? = nil) {
        self.certificateChain = certificateChain
        self.certificateType = certificateType
    }
}

public struct CertificateSignedResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: CertificateSignedStatus
    public var statusInfo: StatusInfo?

    public init(status: CertificateSignedStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
