public struct GetInstalledCertificateIdsRequest: OCPPRequest, Equatable {
    public typealias Response = GetInstalledCertificateIdsResponse
    public static let action = Action.getInstalledCertificateIds
    public var certificateType: CertificateUse
}

public struct GetInstalledCertificateIdsResponse: Codable, Sendable, Equatable {
    public var status: GetInstalledCertificateStatus
    /// Absent when there is none (the schema asks for at least one entry when present).
    public var certificateHashData: [CertificateHashData]?

    public init(status: GetInstalledCertificateStatus, certificateHashData: [CertificateHashData]?) {
        self.status = status
        self.certificateHashData = certificateHashData
    }
}
