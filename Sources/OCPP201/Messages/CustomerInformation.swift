/// [SCH] CustomerInformationRequest: report, clear, or both, what the station holds about one customer, named
/// by exactly one of a token, a customer certificate or the CSMS's customer identifier [N09, N10].
public struct CustomerInformationRequest: OCPPRequest, Equatable {
    public typealias Response = CustomerInformationResponse
    public static let action = Action.customerInformation
    public var customerCertificate: CertificateHashData?
    public var idToken: IdToken?
    public var requestId: Int
    public var report: Bool
    public var clear: Bool
    public var customerIdentifier: CiString<64>?

    public init(
        requestId: Int, report: Bool, clear: Bool, idToken: IdToken? = nil,
        customerCertificate: CertificateHashData? = nil, customerIdentifier: CiString<64>? = nil
    ) {
        self.requestId = requestId
        self.report = report
        self.clear = clear
        self.idToken = idToken
        self.customerCertificate = customerCertificate
        self.customerIdentifier = customerIdentifier
    }
}

public struct CustomerInformationResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: CustomerInformationStatus
    public var statusInfo: StatusInfo?

    public init(status: CustomerInformationStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
