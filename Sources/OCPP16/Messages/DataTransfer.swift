public struct DataTransferRequest: OCPPRequest, Equatable {
    public typealias Response = DataTransferResponse
    public static let action = Action.dataTransfer
    public var vendorId: CiString<255>
    public var messageId: CiString<50>?
    public var data: String?
}

public struct DataTransferResponse: Codable, Sendable, Equatable {
    public var status: DataTransferStatus
    public var data: String?
    public init(status: DataTransferStatus, data: String? = nil) {
        self.status = status
        self.data = data
    }
}

extension DataTransferResponse: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("status", status)
        object.member("data", data)
    }
}

extension DataTransferRequest: JSONFastDecodable {

    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let vendorId: CiString<255> = fields.string("vendorId"),
              let messageId = fields.optional("messageId", { $0.string($1) as CiString<50>? }),
              let data = fields.optional("data", { $0.string($1) as String? }),
              fields.isFullyRead
        else { return nil }
        self.init(vendorId: vendorId, messageId: messageId, data: data)
    }
}
