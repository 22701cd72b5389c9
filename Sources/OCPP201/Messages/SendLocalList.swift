/// [SCH] SendLocalListRequest. A Full update without a list clears the local list; a Differential one without a
/// list changes only the version [D01.FR.04/05].
public struct SendLocalListRequest: OCPPRequest, Equatable {
    public typealias Response = SendLocalListResponse
    public static let action = Action.sendLocalList
    public var localAuthorizationList: [AuthorizationData]?
    public var versionNumber: Int
    public var updateType: UpdateEnumType

    public init(localAuthorizationList: [AuthorizationData]? = nil, versionNumber: Int, updateType: UpdateEnumType) {
        self.localAuthorizationList = localAuthorizationList
        self.versionNumber = versionNumber
        self.updateType = updateType
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        localAuthorizationList = try container.decodeItemsIfPresent(
            [AuthorizationData].self, forKey: .localAuthorizationList)
        versionNumber = try container.decode(Int.self, forKey: .versionNumber)
        updateType = try container.decode(UpdateEnumType.self, forKey: .updateType)
    }
}

public struct SendLocalListResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: SendLocalListStatus
    public var statusInfo: StatusInfo?

    public init(status: SendLocalListStatus, statusInfo: StatusInfo? = nil) {
        self.status = status
        self.statusInfo = statusInfo
    }
}
