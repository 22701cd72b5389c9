/// [SCH] AuthorizeRequest. `certificate` and `iso15118CertificateHashData` serve ISO 15118 Plug & Charge only.
public struct AuthorizeRequest: OCPPRequest, Equatable {
    public typealias Response = AuthorizeResponse
    public static let action = Action.authorize
    public var idToken: IdToken
    /// The EV's contract certificate chain, PEM.
    public var certificate: CiString<5500>?
    /// At most four entries.
    public var iso15118CertificateHashData: [OCSPRequestData]?

    public init(
        idToken: IdToken, certificate: CiString<5500>? = nil, iso15118CertificateHashData: [OCSPRequestData]? = nil
    ) {
        self.idToken = idToken
        self.certificate = certificate
        self.iso15118CertificateHashData = iso15118CertificateHashData
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        idToken = try container.decode(IdToken.self, forKey: .idToken)
        certificate = try container.decodeIfPresent(CiString<5500>.self, forKey: .certificate)
        iso15118CertificateHashData = try container.decodeItemsIfPresent(
            [OCSPRequestData].self, forKey: .iso15118CertificateHashData, atMost: 4)
    }
}

public struct AuthorizeResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var idTokenInfo: IdTokenInfo
    public var certificateStatus: AuthorizeCertificateStatus?

    public init(idTokenInfo: IdTokenInfo, certificateStatus: AuthorizeCertificateStatus? = nil) {
        self.idTokenInfo = idTokenInfo
        self.certificateStatus = certificateStatus
    }
}
