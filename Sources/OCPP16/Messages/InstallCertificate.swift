public struct InstallCertificateRequest: OCPPRequest, Equatable {
    public typealias Response = InstallCertificateResponse
    public static let action = Action.installCertificate
    public var certificateType: CertificateUse
    /// One certificate in PEM.
    public var certificate: CiString<5500>
}

public struct InstallCertificateResponse: Codable, Sendable, Equatable {
    public var status: CertificateStatus
    public init(status: CertificateStatus) { self.status = status }
}
