public struct AuthorizationData: Codable, Sendable, Equatable {
    public var idTag: IdToken
    public var idTagInfo: IdTagInfo?
    public init(idTag: IdToken, idTagInfo: IdTagInfo?) {
        self.idTag = idTag
        self.idTagInfo = idTagInfo
    }
}

public struct SendLocalListRequest: OCPPRequest, Equatable {
    public typealias Response = SendLocalListResponse
    public static let action = Action.sendLocalList
    public var listVersion: Int
    public var localAuthorizationList: [AuthorizationData]?
    public var updateType: UpdateType

    public init(listVersion: Int, localAuthorizationList: [AuthorizationData]?, updateType: UpdateType) {
        self.listVersion = listVersion
        self.localAuthorizationList = localAuthorizationList
        self.updateType = updateType
    }
}

public struct SendLocalListResponse: Codable, Sendable, Equatable {
    public var status: UpdateStatus
    public init(status: UpdateStatus) { self.status = status }
}
