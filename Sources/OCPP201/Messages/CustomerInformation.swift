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

/// [SCH] CertificateHashDataType: a certificate named by its issuer's hashes and its serial number.
public struct CertificateHashData: Codable, Sendable, Equatable, CustomDataExtensible {
    public var hashAlgorithm: HashAlgorithm
    public var issuerNameHash: CiString<128>
    public var issuerKeyHash: CiString<128>
    public var serialNumber: CiString<40>

    public init(
        hashAlgorithm: HashAlgorithm, issuerNameHash: CiString<128>, issuerKeyHash: CiString<128>,
        serialNumber: CiString<40>
    ) {
        self.hashAlgorithm = hashAlgorithm
        self.issuerNameHash = issuerNameHash
        self.issuerKeyHash = issuerKeyHash
        self.serialNumber = serialNumber
    }
}
