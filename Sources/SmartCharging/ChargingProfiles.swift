import OCPP16

/// A profile as installed: the connector it was set on (0 = the whole charge point) and the
/// profile itself.
public struct InstalledProfile: Sendable, Equatable, Codable {
    public var connectorId: Int
    public var profile: ChargingProfile

    public init(connectorId: Int, profile: ChargingProfile) {
        self.connectorId = connectorId
        self.profile = profile
    }
}

/// The charging profiles installed on the charge point, and the rules for changing them
/// ([CORE] §3.13, §5.5, §5.16; reference §6.13).
///
/// A value with no clock and no I/O: the engine passes time and transaction facts in, and
/// persists the value itself (it is `Codable`), because profiles survive reboots (reference §6.13).
public struct ChargingProfiles: Sendable, Equatable, Codable {
    /// In installation order.
    public private(set) var installed: [InstalledProfile]

    public init() {
        installed = []
    }

    /// Profiles another protocol's station installed under its own rules (the OCPP 2.0.1 one), brought in so
    /// that the composite schedule and the limit in force are computed once for both protocols.
    public init(installed: [InstalledProfile]) {
        self.installed = installed
    }

    /// SetChargingProfile ([CORE] §5.16). On `Accepted` the profile replaces any installed one
    /// with the same chargingProfileId (wherever it is), or with the same stackLevel and purpose
    /// on the same connector ([CORE] §3.13).
    ///
    /// A TxProfile without transactionId is stored bound to the transaction running on the
    /// connector, when its id is known, so the listing shows which transaction it limits.
    public mutating func install(
        _ profile: ChargingProfile, on connectorId: Int, context: InstallContext
    ) -> InstallOutcome {
        let kept = installed.count { !Self.replaces(profile, on: connectorId, $0) }
        if let refusal = InstallRules(context: context).refusal(for: profile, on: connectorId, keptProfiles: kept) {
            return .rejected(refusal)
        }
        var profile = profile
        if profile.chargingProfilePurpose == .txProfile, profile.transactionId == nil {
            profile.transactionId = context.runningTransactions[connectorId]?.transactionId
        }
        installed.removeAll { Self.replaces(profile, on: connectorId, $0) }
        installed.append(InstalledProfile(connectorId: connectorId, profile: profile))
        return .accepted
    }

    /// Whether RemoteStartTransaction may accept `profile` for a transaction about to start on
    /// `connectorId` ([CORE] §5.11): a TxProfile without transactionId that would pass every
    /// install rule once the transaction runs. Answer the request with this, keep the profile
    /// with the pending start, and install it with ``installForNewTransaction(_:on:context:)``.
    public func checkForRemoteStart(
        _ profile: ChargingProfile, on connectorId: Int, context: InstallContext
    ) -> InstallOutcome {
        var starting = context
        starting.runningTransactions[connectorId] = RunningTransaction(transactionId: nil)
        var trial = self
        return trial.installForNewTransaction(profile, on: connectorId, context: starting)
    }

    /// Installs the profile of a RemoteStartTransaction once its transaction runs on
    /// `connectorId` (as `context` shows), binding it to that transaction ([CORE] §5.11): a later
    /// SetChargingProfile with the same transactionId and stackLevel then replaces it.
    public mutating func installForNewTransaction(
        _ profile: ChargingProfile, on connectorId: Int, context: InstallContext
    ) -> InstallOutcome {
        guard profile.chargingProfilePurpose == .txProfile else {
            return .rejected(.notTxProfile(profile.chargingProfilePurpose))
        }
        if let named = profile.transactionId {
            return .rejected(.transactionIdBeforeStart(named))
        }
        return install(profile, on: connectorId, context: context)
    }

    /// ClearChargingProfile ([CORE] §5.5): with `id`, clears that profile and ignores the other
    /// criteria; otherwise clears the profiles matching every given criterion (AND), all of them
    /// when none is given. `connectorId` 0 means profiles set on connector 0, not every connector.
    ///
    /// - Returns: whether anything was cleared: `Accepted`, else `Unknown`.
    public mutating func clear(
        id: Int?, connectorId: Int?, purpose: ChargingProfilePurpose?, stackLevel: Int?
    ) -> Bool {
        let before = installed.count
        if let id {
            installed.removeAll { $0.profile.chargingProfileId == id }
        } else {
            installed.removeAll { entry in
                (connectorId == nil || entry.connectorId == connectorId)
                    && (purpose == nil || entry.profile.chargingProfilePurpose == purpose)
                    && (stackLevel == nil || entry.profile.stackLevel == stackLevel)
            }
        }
        return installed.count < before
    }

    /// A TxProfile lives as long as its transaction ([CORE] §3.13): call when the transaction on
    /// `connectorId` ends.
    public mutating func transactionEnded(connectorId: Int) {
        installed.removeAll { $0.connectorId == connectorId && $0.profile.chargingProfilePurpose == .txProfile }
    }

    private static func replaces(_ new: ChargingProfile, on connectorId: Int, _ old: InstalledProfile) -> Bool {
        old.profile.chargingProfileId == new.chargingProfileId
            || (old.connectorId == connectorId && old.profile.stackLevel == new.stackLevel
                && old.profile.chargingProfilePurpose == new.chargingProfilePurpose)
    }
}
