/// [SCH] DataTransferRequest, sent either way. `data` is any JSON in 2.0.1 (a string in 1.6), kept as it came.
public struct DataTransferRequest: OCPPRequest, Equatable {
    public typealias Response = DataTransferResponse
    public static let action = Action.dataTransfer
    public var messageId: CiString<50>?
    public var data: JSONValue?
    public var vendorId: CiString<255>

    public init(vendorId: CiString<255>, messageId: CiString<50>? = nil, data: JSONValue? = nil) {
        self.messageId = messageId
        self.data = data
        self.vendorId = vendorId
    }
}

/// [SCH] DataTransferResponse: UnknownVendorId and UnknownMessageId are the answers of a receiver that does not
/// know the extension [P01].
public struct DataTransferResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: DataTransferStatus
    public var statusInfo: StatusInfo?
    public var data: JSONValue?

    public init(status: DataTransferStatus, statusInfo: StatusInfo? = nil, data: JSONValue? = nil) {
        self.status = status
        self.statusInfo = statusInfo
        self.data = data
    }
}

extension DataTransferRequest: JSONFastDecodable {
    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let vendorId: CiString<255> = fields.string("vendorId"),
              let messageId = fields.optional("messageId", { $0.string($1) as CiString<50>? }),
              let data = fields.optional("data", { $0.value($1) }),
              fields.isFullyRead
        else { return nil }
        self.init(vendorId: vendorId, messageId: messageId, data: data)
    }
}

extension DataTransferResponse: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("status", status)
        object.member("statusInfo", statusInfo)
        object.member("data", data)
    }
}
