/// The enumerations of functional block K (smart charging) beside the profile types in `ChargingProfiles.swift`.

/// [SCH] ChargingProfileStatusEnumType: SetChargingProfile's answer; a refusal says why in `statusInfo`.
public enum ChargingProfileStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}

/// [SCH] ClearChargingProfileStatusEnumType. Unknown: no profile matched [K10.FR.08].
public enum ClearChargingProfileStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case unknown = "Unknown"
}

/// [SCH] GetChargingProfileStatusEnumType. NoProfiles: nothing matched, no ReportChargingProfiles follows [K09].
public enum GetChargingProfileStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case noProfiles = "NoProfiles"
}

/// [SCH] ChargingLimitSourceEnumType: who set a limit. CSO is the CSMS's own; the others are external
/// (energy management system, system operator) and reach the CSMS through NotifyChargingLimit.
public enum ChargingLimitSource: String, Codable, JSONScalar, Sendable, CaseIterable {
    case ems = "EMS"
    case other = "Other"
    case so = "SO"
    case cso = "CSO"
}
