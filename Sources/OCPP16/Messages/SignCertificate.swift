public struct SignCertificateRequest: OCPPRequest, Equatable {
    public typealias Response = GenericStatusResponse
    public static let action = Action.signCertificate
    /// PKCS#10 request in PEM.
    public var csr: CiString<5500>

    public init(csr: CiString<5500>) { self.csr = csr }
}

/// The answer of SignCertificate and CertificateSigned.
public struct GenericStatusResponse: Codable, Sendable, Equatable {
    public var status: GenericStatus
    public init(status: GenericStatus) { self.status = status }
}
