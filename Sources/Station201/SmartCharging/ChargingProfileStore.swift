import OCPP201

/// A charging profile as the station holds it: the EVSE it is set on (0: the whole station) and who set it —
/// the CSMS (`CSO`) or, for the station's own ChargingStationExternalConstraints, an external system (`EMS`).
public struct StationChargingProfile: Codable, Sendable, Equatable {
    public var evseId: Int
    public var source: ChargingLimitSource
    public var profile: ChargingProfile

    public init(evseId: Int, source: ChargingLimitSource, profile: ChargingProfile) {
        self.evseId = evseId
        self.source = source
        self.profile = profile
    }
}

/// The installed charging profiles [K01, K09, K10]: a value with no clock and no I/O, persisted as a whole
/// (profiles survive reboots [K01.FR.27]). The rules that decide whether a profile may be installed are
/// `ProfileRules`'; this only stores, replaces, selects and removes.
public struct ChargingProfileStore: Sendable, Equatable {
    /// How many profiles the station holds at once: `SmartChargingCtrlr.Entries`' maxLimit.
    public static let capacity = 64

    /// In installation order.
    public private(set) var entries: [StationChargingProfile]

    public init(restoring entries: [StationChargingProfile] = []) {
        self.entries = entries
    }

    /// Installs `entry`, replacing the profile with its id [K01.FR.05].
    mutating func install(_ entry: StationChargingProfile) {
        entries.removeAll { $0.profile.id == entry.profile.id }
        entries.append(entry)
    }

    /// ClearChargingProfile [K10]: the profile with `id`, else those matching every criterion given; never the
    /// station's external constraints, which the CSMS cannot clear [K10.FR.06].
    ///
    /// - Returns: whether anything was cleared.
    mutating func clear(id: Int?, criteria: ClearChargingProfileCriteria?) -> Bool {
        let before = entries.count
        entries.removeAll { entry in
            guard entry.source == .cso else { return false }
            if let id { return entry.profile.id == id }
            return (criteria?.evseId.map { $0 == entry.evseId } ?? true)
                && (criteria?.chargingProfilePurpose.map { $0 == entry.profile.chargingProfilePurpose } ?? true)
                && (criteria?.stackLevel.map { $0 == entry.profile.stackLevel } ?? true)
        }
        return entries.count < before
    }

    /// GetChargingProfiles [K09]: the profiles on `evseId` (absent: everywhere) matching every criterion given.
    func matching(evseId: Int?, _ criterion: ChargingProfileCriterion) -> [StationChargingProfile] {
        entries.filter { entry in
            (evseId.map { $0 == entry.evseId } ?? true)
                && (criterion.chargingProfilePurpose.map { $0 == entry.profile.chargingProfilePurpose } ?? true)
                && (criterion.stackLevel.map { $0 == entry.profile.stackLevel } ?? true)
                && (criterion.chargingProfileId.map { $0.contains(entry.profile.id) } ?? true)
                && (criterion.chargingLimitSource.map { $0.contains(entry.source) } ?? true)
        }
    }

    /// A TxProfile lives as long as its transaction: drops those whose transaction is not among `running`.
    ///
    /// - Returns: whether any was dropped.
    mutating func keepTxProfiles(of running: Set<String>) -> Bool {
        let before = entries.count
        entries.removeAll { entry in
            entry.profile.chargingProfilePurpose == .txProfile
                && !(entry.profile.transactionId.map { running.contains($0.value) } ?? false)
        }
        return entries.count < before
    }

    /// The external limit the station itself holds on `evseId`, set through the API [K11].
    func externalConstraint(on evseId: Int) -> StationChargingProfile? {
        entries.first { $0.evseId == evseId && $0.profile.chargingProfilePurpose == .chargingStationExternalConstraints }
    }

    /// Removes the external limit on `evseId`; whether there was one.
    mutating func removeExternalConstraint(on evseId: Int) -> Bool {
        let before = entries.count
        entries.removeAll {
            $0.evseId == evseId && $0.profile.chargingProfilePurpose == .chargingStationExternalConstraints
        }
        return entries.count < before
    }
}
