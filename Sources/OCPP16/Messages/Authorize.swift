public struct AuthorizeRequest: OCPPRequest, Equatable {
    public typealias Response = AuthorizeResponse
    public static let action = Action.authorize
    public var idTag: IdToken
    public init(idTag: IdToken) { self.idTag = idTag }
}

public struct AuthorizeResponse: Codable, Sendable, Equatable {
    public var idTagInfo: IdTagInfo
    public init(idTagInfo: IdTagInfo) { self.idTagInfo = idTagInfo }
}

extension AuthorizeRequest: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("idTag", idTag)
    }
}

extension AuthorizeResponse: JSONFastDecodable {

    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let idTagInfo: IdTagInfo = fields.object("idTagInfo"),
              fields.isFullyRead
        else { return nil }
        self.init(idTagInfo: idTagInfo)
    }
}
