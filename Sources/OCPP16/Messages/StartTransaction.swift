public struct StartTransactionRequest: OCPPRequest, Equatable {
    public typealias Response = StartTransactionResponse
    public static let action = Action.startTransaction
    public var connectorId: Int
    public var idTag: IdToken
    public var meterStart: Int
    public var reservationId: Int?
    public var timestamp: Timestamp

    public init(connectorId: Int, idTag: IdToken, meterStart: Int, reservationId: Int? = nil, timestamp: Timestamp) {
        self.connectorId = connectorId
        self.idTag = idTag
        self.meterStart = meterStart
        self.reservationId = reservationId
        self.timestamp = timestamp
    }
}

public struct StartTransactionResponse: Codable, Sendable, Equatable {
    public var idTagInfo: IdTagInfo
    public var transactionId: Int
    public init(idTagInfo: IdTagInfo, transactionId: Int) {
        self.idTagInfo = idTagInfo
        self.transactionId = transactionId
    }
}

extension StartTransactionRequest: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("connectorId", connectorId)
        object.member("idTag", idTag)
        object.member("meterStart", meterStart)
        object.member("reservationId", reservationId)
        object.member("timestamp", timestamp)
    }
}

extension StartTransactionResponse: JSONFastDecodable {

    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let idTagInfo: IdTagInfo = fields.object("idTagInfo"),
              let transactionId = fields.integer("transactionId"),
              fields.isFullyRead
        else { return nil }
        self.init(idTagInfo: idTagInfo, transactionId: transactionId)
    }
}
