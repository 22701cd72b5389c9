/// [SCH] GetCompositeScheduleRequest: the limits in force on EVSE `evseId` (0: the station's grid connection)
/// from now for `duration` seconds, in `chargingRateUnit` when given [K08].
public struct GetCompositeScheduleRequest: OCPPRequest, Equatable {
    public typealias Response = GetCompositeScheduleResponse
    public static let action = Action.getCompositeSchedule
    public var duration: Int
    public var chargingRateUnit: ChargingRateUnit?
    public var evseId: Int

    public init(duration: Int, chargingRateUnit: ChargingRateUnit? = nil, evseId: Int) {
        self.duration = duration
        self.chargingRateUnit = chargingRateUnit
        self.evseId = evseId
    }

    /// A negative duration names no span of time: a PropertyConstraintViolation rather than an empty schedule.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        duration = try container.decode(Int.self, forKey: .duration)
        chargingRateUnit = try container.decodeIfPresent(ChargingRateUnit.self, forKey: .chargingRateUnit)
        evseId = try container.decode(Int.self, forKey: .evseId)
        if duration < 0 {
            throw container.payloadError(.invalidValue, forKey: .duration, "is \(duration), at least 0 is allowed")
        }
    }
}

public struct GetCompositeScheduleResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var status: GenericStatus
    public var statusInfo: StatusInfo?
    public var schedule: CompositeSchedule?

    public init(status: GenericStatus, statusInfo: StatusInfo? = nil, schedule: CompositeSchedule? = nil) {
        self.status = status
        self.statusInfo = statusInfo
        self.schedule = schedule
    }
}

/// [SCH] CompositeScheduleType: periods relative to `scheduleStart`.
public struct CompositeSchedule: Codable, Sendable, Equatable, CustomDataExtensible {
    public var chargingSchedulePeriod: [ChargingSchedulePeriod]
    public var evseId: Int
    public var duration: Int
    public var scheduleStart: Timestamp
    public var chargingRateUnit: ChargingRateUnit

    public init(
        chargingSchedulePeriod: [ChargingSchedulePeriod], evseId: Int, duration: Int, scheduleStart: Timestamp,
        chargingRateUnit: ChargingRateUnit
    ) {
        self.chargingSchedulePeriod = chargingSchedulePeriod
        self.evseId = evseId
        self.duration = duration
        self.scheduleStart = scheduleStart
        self.chargingRateUnit = chargingRateUnit
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        chargingSchedulePeriod = try container.decodeItems([ChargingSchedulePeriod].self, forKey: .chargingSchedulePeriod)
        evseId = try container.decode(Int.self, forKey: .evseId)
        duration = try container.decode(Int.self, forKey: .duration)
        scheduleStart = try container.decode(Timestamp.self, forKey: .scheduleStart)
        chargingRateUnit = try container.decode(ChargingRateUnit.self, forKey: .chargingRateUnit)
    }
}
