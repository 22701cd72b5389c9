public struct GetCompositeScheduleRequest: OCPPRequest, Equatable {
    public typealias Response = GetCompositeScheduleResponse
    public static let action = Action.getCompositeSchedule
    public var connectorId: Int
    public var duration: Int
    public var chargingRateUnit: ChargingRateUnit?
}

public struct GetCompositeScheduleResponse: Codable, Sendable, Equatable {
    public var status: AcceptedRejected
    public var connectorId: Int?
    public var scheduleStart: Timestamp?
    public var chargingSchedule: ChargingSchedule?

    public init(status: AcceptedRejected, connectorId: Int? = nil, scheduleStart: Timestamp? = nil, chargingSchedule: ChargingSchedule? = nil) {
        self.status = status
        self.connectorId = connectorId
        self.scheduleStart = scheduleStart
        self.chargingSchedule = chargingSchedule
    }
}
