import OCPP201

extension StationEngine {
    /// How many profiles one ReportChargingProfiles carries; the specification leaves it to the station.
    static let profilesPerReport = 10

    /// [K09]: Accepted and the matching profiles in ReportChargingProfiles after this answer — one group per EVSE
    /// and source, as the message has one of each, split into parts of `profilesPerReport`, all but the last
    /// with `tbc` [K09.FR.03] — or NoProfiles when none match.
    mutating func getChargingProfiles(_ request: GetChargingProfilesRequest) -> GetChargingProfilesResponse {
        let matching = chargingProfiles.matching(evseId: request.evseId, request.chargingProfile)
        guard !matching.isEmpty else { return GetChargingProfilesResponse(status: .noProfiles) }
        var groups: [(evseId: Int, source: ChargingLimitSource, profiles: [ChargingProfile])] = []
        for entry in matching.sorted(by: { $0.evseId < $1.evseId }) {
            if let last = groups.indices.last, groups[last].evseId == entry.evseId, groups[last].source == entry.source {
                groups[last].profiles.append(entry.profile)
            } else {
                groups.append((entry.evseId, entry.source, [entry.profile]))
            }
        }
        let reports = groups.flatMap { group in
            stride(from: 0, to: group.profiles.count, by: Self.profilesPerReport).map { start in
                (group.evseId, group.source, Array(group.profiles[start..<min(start + Self.profilesPerReport, group.profiles.count)]))
            }
        }
        for (number, (evseId, source, profiles)) in reports.enumerated() {
            outbox.enqueue(
                ReportChargingProfilesRequest(
                    requestId: request.requestId, chargingLimitSource: source, chargingProfile: profiles,
                    tbc: number < reports.count - 1 ? true : nil, evseId: evseId),
                purpose: .informational)
        }
        return GetChargingProfilesResponse(status: .accepted)
    }
}
