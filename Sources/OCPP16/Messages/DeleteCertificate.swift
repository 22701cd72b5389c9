public struct DeleteCertificateRequest: OCPPRequest, Equatable {
    public typealias Response = DeleteCertificateResponse
    public static let action = Action.deleteCertificate
    public var certificateHashData: CertificateHashData
}

public struct DeleteCertificateResponse: Codable, Sendable, Equatable {
    public var status: DeleteCertificateStatus
    public init(status: DeleteCertificateStatus) { self.status = status }
}
