public struct MeterValuesRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.meterValues
    public var connectorId: Int
    public var transactionId: Int?
    public var meterValue: [MeterValue]

    public init(connectorId: Int, transactionId: Int?, meterValue: [MeterValue]) {
        self.connectorId = connectorId
        self.transactionId = transactionId
        self.meterValue = meterValue
    }
}

extension MeterValuesRequest: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("connectorId", connectorId)
        object.member("transactionId", transactionId)
        object.member("meterValue", meterValue)
    }
}
