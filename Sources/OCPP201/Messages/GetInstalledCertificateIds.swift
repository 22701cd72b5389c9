/// [SCH] GetInstalledCertificateIdsRequest: the installed certificates of the listed types, of every type
/// when `certificateType` is absent [M03].
public struct GetInstalledCertificateIdsRequest: OCPPRequest, Equatable {
    public typealias Response = GetInstalledCertificateIdsResponse
    public static let action = Action.getInstalledCertificateIds
    public var certificateType: [GetCertificateIdUse]?

    public init(certificateType: [GetCertificateIdUse]? = nil) {
        self.certificateType = certificateType
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        certificateType = try container.decodeItemsIfPresent([GetCertificateIdUse].self, forKey: .certificateType)
    }
}

public struct GetInstalledCertificateIdsResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: GetInstalledCertificateStatus
    public var statusInfo: StatusInfo?
    public var certificateHashDataChain: [CertificateHashDataChain]?

    public init(
        status: GetInstalledCertificateStatus, statusInfo: StatusInfo? = nil,
        certificateHashDataChain: [CertificateHashDataChain]? = nil
    ) {
        self.status = status
        self.statusInfo = statusInfo
        self.certificateHashDataChain = certificateHashDataChain
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        status = try container.decode(GetInstalledCertificateStatus.self, forKey: .status)
        statusInfo = try container.decodeIfPresent(StatusInfo.self, forKey: .statusInfo)
        certificateHashDataChain = try container.decodeItemsIfPresent(
            [CertificateHashDataChain].self, forKey: .certificateHashDataChain)
    }
}
