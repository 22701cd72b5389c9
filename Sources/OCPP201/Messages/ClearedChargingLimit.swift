/// [SCH] ClearedChargingLimitRequest: the external limit `chargingLimitSource` had set on EVSE `evseId`
/// (absent: the whole station) is released [K13].
public struct ClearedChargingLimitRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.clearedChargingLimit
    public var chargingLimitSource: ChargingLimitSource
    public var evseId: Int?

    public init(chargingLimitSource: ChargingLimitSource, evseId: Int? = nil) {
        self.chargingLimitSource = chargingLimitSource
        self.evseId = evseId
    }
}
