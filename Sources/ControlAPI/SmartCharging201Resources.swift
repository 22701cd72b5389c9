import HTTPServer
import OCPP201
import Station201

/// `GET /api/v1/charging-profiles` under 2.0.1: 1.6's shape (`connectorId`, `profile`) with the 2.0.1 profile, and
/// `source`: CSO for the CSMS's, EMS for the external limit set through the API.
struct ChargingProfile201List: Encodable {
    struct Entry: Encodable {
        var connectorId: Int
        var source: ChargingLimitSource
        var profile: ChargingProfile
    }

    var profiles: [Entry]

    init(_ installed: [StationChargingProfile]) {
        profiles = installed.map { Entry(connectorId: $0.evseId, source: $0.source, profile: $0.profile) }
    }
}

/// `GET /api/v1/connectors/{id}/composite-schedule` under 2.0.1, in 1.6's shape.
struct CompositeSchedule201Resource: Encodable {
    struct Schedule: Encodable {
        var duration: Int
        var chargingRateUnit: ChargingRateUnit
        var chargingSchedulePeriod: [ChargingSchedulePeriod]
    }

    var connectorId: Int
    var scheduleStart: Timestamp
    var chargingSchedule: Schedule

    init(_ schedule: CompositeSchedule) {
        connectorId = schedule.evseId
        scheduleStart = schedule.scheduleStart
        chargingSchedule = Schedule(
            duration: schedule.duration, chargingRateUnit: schedule.chargingRateUnit,
            chargingSchedulePeriod: schedule.chargingSchedulePeriod)
    }
}

/// `PUT /api/v1/connectors/{id}/external-limit`: an energy management system's limit in W (`DELETE` releases it).
struct ExternalLimitBody: Decodable {
    /// What the station answers: the external limit now in force, null once released.
    struct Resource: Encodable {
        var connectorId: Int
        var limitW: Double?

        enum CodingKeys: String, CodingKey { case connectorId, limitW }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(connectorId, forKey: .connectorId)
            try container.encode(limitW, forKey: .limitW)
        }
    }

    var limitW: Double

    static let maximumW = 1e9

    func validate() throws(Problem) {
        guard (0...Self.maximumW).contains(limitW) else {
            throw .invalidParameter("limitW must be from 0 to \(Int(Self.maximumW)) W, not \(limitW).")
        }
    }
}
