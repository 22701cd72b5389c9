/// [SCH] MeterValuesRequest: readings outside transactions only; those within one travel in TransactionEvent.
/// `evseId` 0 is the station's main meter.
public struct MeterValuesRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.meterValues
    public var evseId: Int
    public var meterValue: [MeterValue]

    public init(evseId: Int, meterValue: [MeterValue]) {
        self.evseId = evseId
        self.meterValue = meterValue
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        evseId = try container.decode(Int.self, forKey: .evseId)
        meterValue = try container.decodeItems([MeterValue].self, forKey: .meterValue)
    }
}

extension MeterValuesRequest: JSONObject {
    public func writeMembers(to object: inout JSONObjectWriter) {
        object.member("evseId", evseId)
        object.member("meterValue", meterValue)
    }
}
