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
    package func writeMembers(to object: inout JSONObjectWriter) {
        object.member("status", status)
        object.member("data", data)
    }
}
