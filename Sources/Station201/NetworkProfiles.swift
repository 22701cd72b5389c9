import OCPP201

/// The network connection profiles ([B09], [B10]): what SetNetworkProfile stored per slot (slot 1 is the
/// command line's `--csms` until one replaces it), the order NetworkConfigurationPriority gives them, the one
/// in use, and the failed connection attempts that move to the next.
struct NetworkProfiles: Sendable {
    /// The slots a profile can be stored in: NetworkConfigurationPriority's valuesList [B09.FR.06].
    static let slots = 1...3

    /// `--csms` and `--security-profile`: the profile of slot 1 until SetNetworkProfile replaces it.
    let commandLineURL: String
    let commandLineSecurityProfile: Int
    private(set) var stored: [Int: NetworkConnectionProfile]
    /// The slots in the order they are tried; the first after a boot [B10.FR.04].
    private(set) var priority: [Int]
    private var position = 0
    private var failedAttempts = 0
    /// A connection attempt is under way (connecting, not yet up).
    private var attempting = false

    /// The profiles as a boot finds them: in NetworkConfigurationPriority's order, the first in use.
    init(
        _ commandLineURL: String, securityProfile: Int, _ stored: [Int: NetworkConnectionProfile], _ deviceModel: DeviceModel
    ) {
        self.commandLineURL = commandLineURL
        commandLineSecurityProfile = securityProfile
        self.stored = stored
        let priority = deviceModel.list(StandardVariables.networkConfigurationPriority).compactMap { Int($0) }
        // A slot emptied since the list was written is skipped; slot 1 always holds a profile.
        let usable = priority.filter { $0 == 1 || stored[$0] != nil }
        self.priority = usable.isEmpty ? [1] : usable
    }

    var activeSlot: Int { priority[position] }
    var activeURL: String { url(of: activeSlot) }
    /// The active profile's MessageTimeout; the command line's profile has none of its own.
    var activeMessageTimeout: Int? { stored[activeSlot]?.messageTimeout }

    /// The security profile the active network profile connects with.
    var activeSecurityProfile: Int { securityProfile(of: activeSlot) }

    func url(of slot: Int) -> String { stored[slot]?.ocppCsmsUrl.value ?? commandLineURL }

    func securityProfile(of slot: Int) -> Int { stored[slot]?.securityProfile ?? commandLineSecurityProfile }

    func holdsProfile(_ slot: Int) -> Bool { slot == 1 || stored[slot] != nil }

    mutating func store(_ profile: NetworkConnectionProfile, in slot: Int) {
        stored[slot] = profile
    }

    /// Connected with the active profile: the slots of a lower security profile leave the priority list, and
    /// their stored profiles go, so that no fallback can lower the security again [A05.FR.06]. Returns the
    /// slots taken out (slot 1, the command line's, leaves the list but keeps its profile).
    mutating func dropSlotsBelowActiveSecurityProfile() -> [Int] {
        let active = activeSlot
        let floor = securityProfile(of: active)
        let lower = priority.filter { securityProfile(of: $0) < floor }
        guard !lower.isEmpty else { return [] }
        priority.removeAll { lower.contains($0) }
        position = priority.firstIndex(of: active) ?? 0
        for slot in lower { stored[slot] = nil }
        return lower
    }

    mutating func connecting() {
        attempting = true
    }

    mutating func connected() {
        attempting = false
        failedAttempts = 0
    }

    /// The link went down; after `attempts` failed attempts on the active profile the next in the priority
    /// list is tried (after the last, the first again) [ERR B10.FR.03, B10.FR.07]: returns its slot. A link
    /// that was up and drops is no failed attempt.
    mutating func linkDown(attemptsPerProfile attempts: Int) -> Int? {
        guard attempting else { return nil }
        attempting = false
        failedAttempts += 1
        guard failedAttempts >= attempts, priority.count > 1 else { return nil }
        failedAttempts = 0
        position = (position + 1) % priority.count
        return activeSlot
    }
}

extension StationEngine {
    /// The link follows the next profile: it leaves the old CSMS [B10.FR.06], and the station boots again
    /// with the new one [ERR B10.FR.10].
    mutating func switchNetworkProfile(to slot: Int) {
        logger.notice("no connection after the attempts allowed; trying network profile \(slot): \(networkProfiles.activeURL)")
        registration = Registration(bootReason: registration.reason)
        emit(.useCSMS(networkProfiles.activeURL, linkSecurity))
    }

    /// NetworkConfigurationPriority may list only slots that hold a profile [B10.FR.02], none of a lower
    /// security profile than the one in use [A05.FR.04/06].
    func networkPriorityRefusal(_ value: String) -> ValueRefusal? {
        let slots = value.split(separator: ",").compactMap { Int($0) }
        if let empty = slots.first(where: { !networkProfiles.holdsProfile($0) }) {
            return .invalidValue("slots that hold a profile (slot \(empty) holds none)")
        }
        let floor = networkProfiles.activeSecurityProfile
        if let lower = slots.first(where: { networkProfiles.securityProfile(of: $0) < floor }) {
            return .invalidValue("slots of security profile \(floor) or higher (slot \(lower) has a lower one)")
        }
        return nil
    }
}
