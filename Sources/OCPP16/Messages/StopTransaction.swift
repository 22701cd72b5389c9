public struct StopTransactionRequest: OCPPRequest, Equatable {
    public typealias Response = StopTransactionResponse
    public static let action = Action.stopTransaction
    public var idTag: IdToken?
    public var meterStop: Int
    public var timestamp: Timestamp
    public var transactionId: Int
    public var reason: Reason?
    public var transactionData: [MeterValue]?

    public init(
        idTag: IdToken?, meterStop: Int, timestamp: Timestamp, transactionId: Int, reason: Reason?,
        transactionData: [MeterValue]?
    ) {
        self.idTag = idTag
        self.meterStop = meterStop
        self.timestamp = timestamp
        self.transactionId = transactionId
        self.reason = reason
        self.transactionData = transactionData
    }
}

public struct StopTransactionResponse: Codable, Sendable, Equatable {
    public var idTagInfo: IdTagInfo?
    public init(idTagInfo: IdTagInfo? = nil) { self.idTagInfo = idTagInfo }
}

extension StopTransactionRequest: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("idTag", idTag)
        object.member("meterStop", meterStop)
        object.member("timestamp", timestamp)
        object.member("transactionId", transactionId)
        object.member("reason", reason)
        object.member("transactionData", transactionData)
    }
}

extension StopTransactionResponse: JSONFastDecodable {

    public init?(fastJSON members: [String: JSONValue]) {
        var fields = JSONMembers(members)
        guard let idTagInfo = fields.optional("idTagInfo", { $0.object($1) as IdTagInfo? }),
              fields.isFullyRead
        else { return nil }
        self.init(idTagInfo: idTagInfo)
    }
}
