import EngineSupport
import OCPP201

/// One reservation as the station keeps it from ReserveNow until it is used, cancelled, removed or expires.
/// Persisted, since a reservation outlives a reboot [B01.FR.13].
public struct Reservation: Codable, Sendable, Equatable {
    public var id: Int
    public var expiryDateTime: Timestamp
    public var idToken: IdToken
    public var groupIdToken: IdToken?
    /// Nil: any EVSE (with `connectorType`, any with that plug) [H01.FR.04/06].
    public var evseId: Int?
    public var connectorType: ConnectorType?

    public init(
        id: Int, expiryDateTime: Timestamp, idToken: IdToken, groupIdToken: IdToken? = nil, evseId: Int? = nil,
        connectorType: ConnectorType? = nil
    ) {
        self.id = id
        self.expiryDateTime = expiryDateTime
        self.idToken = idToken
        self.groupIdToken = groupIdToken
        self.evseId = evseId
        self.connectorType = connectorType
    }

    /// The reservation can be used at an EVSE whose connector has this type.
    func fits(connectorType type: String) -> Bool {
        connectorType.map { $0.rawValue == type } ?? true
    }

    /// The token, or a token of the reservation's group, claims it [H03.FR.01–06].
    func admits(_ token: IdToken, group: IdToken?) -> Bool {
        if IdTokenKey(token) == IdTokenKey(idToken) { return true }
        guard let group, let groupIdToken else { return false }
        return IdTokenKey(group) == IdTokenKey(groupIdToken)
    }
}

/// An EVSE as reservations see it: its plug, the status it would show without reservations, and whether it
/// could host a session (operative, not faulted, no authorized session on it).
struct ReservableEVSE: Sendable, Equatable {
    var id: Int
    var connectorType: String
    var status: ConnectorStatus
    var open: Bool

    /// Could take a new reservation: open, and Available (no cable in).
    var free: Bool { open && status == .available }
}

/// What a token presented at an EVSE may do there as far as reservations go.
enum ReservationVerdict: Equatable {
    /// No reservation concerns it.
    case free
    /// The token (or its group) uses this reservation up [H03.FR.09].
    case claims(Int)
    /// The EVSE is held for someone else [H03, F01.FR.21/22].
    case refused
    /// Held for a group: the token's group must be learnt (Authorize) before deciding [H03.FR.08].
    case needsGroup
}

/// The reservations in force ([H01]–[H04]), in the order they were made, and what they hold. An EVSE-specific
/// reservation holds its EVSE. The others are not tied to an EVSE: they hold an EVSE only when it is one the
/// station cannot spare without breaking a promise, which is how "one EVSE remains available for the token"
/// and "when available EVSEs equal the reservations, all are Reserved" both come out [H01.FR.07/09/20/24].
struct Reservations: Sendable, Equatable {
    private(set) var all: [Reservation]

    init(_ restored: [Reservation]) {
        all = restored
    }

    var isEmpty: Bool { all.isEmpty }

    func reservation(id: Int) -> Reservation? {
        all.first { $0.id == id }
    }

    /// Adds it, replacing the one with the same id [H01.FR.02].
    mutating func place(_ reservation: Reservation) {
        remove(id: reservation.id)
        all.append(reservation)
    }

    @discardableResult
    mutating func remove(id: Int) -> Reservation? {
        guard let index = all.firstIndex(where: { $0.id == id }) else { return nil }
        return all.remove(at: index)
    }

    func without(id: Int) -> Reservations {
        Reservations(all.filter { $0.id != id })
    }

    var nextExpiry: Timestamp? {
        all.map(\.expiryDateTime).min()
    }

    /// The ones whose expiryDateTime has come, taken out.
    mutating func takeExpired(at now: Timestamp) -> [Reservation] {
        let expired = all.filter { $0.expiryDateTime <= now }
        all.removeAll { $0.expiryDateTime <= now }
        return expired
    }

    private var unspecified: [Reservation] { all.filter { $0.evseId == nil } }

    private func specific(on evseId: Int) -> Reservation? {
        all.first { $0.evseId == evseId }
    }

    /// The EVSEs whose connectors are Reserved.
    func reserved(_ evses: [ReservableEVSE]) -> Set<Int> {
        var held = Set(all.compactMap(\.evseId))
        let pool = evses.filter { $0.open && !held.contains($0.id) }
        let waiting = unspecified
        guard !waiting.isEmpty else { return held }
        for evse in pool where !Self.fit(waiting, on: pool.filter { $0.id != evse.id }) {
            held.insert(evse.id)
        }
        return held
    }

    /// Whether every reservation not tied to an EVSE can have an EVSE of its own among `evses`. Each asks for
    /// one plug type or any, so Hall's condition comes down to counting: no more reservations of a type than
    /// EVSEs of that type, and no more reservations than EVSEs.
    private static func fit(_ reservations: [Reservation], on evses: [ReservableEVSE]) -> Bool {
        guard reservations.count <= evses.count else { return false }
        let typed = Dictionary(grouping: reservations.compactMap(\.connectorType), by: \.rawValue)
        return typed.allSatisfy { type, asking in asking.count <= evses.count { $0.connectorType == type } }
    }

    /// ReserveNow's answer for `candidate` (one with its id already left out of these reservations)
    /// [H01.FR.03/04/06/11–14]. An EVSE-specific one needs its EVSE Available; one for any EVSE needs the
    /// free EVSEs to hold it next to the others. Refused: Faulted or Unavailable when every targeted EVSE is
    /// (Faulted only when all are), Occupied otherwise.
    func admission(of candidate: Reservation, on evses: [ReservableEVSE]) -> ReserveNowStatus {
        let reserved = reserved(evses)
        if let evseId = candidate.evseId {
            guard let evse = evses.first(where: { $0.id == evseId }) else { return .rejected }
            switch evse.status {
            case .faulted: return .faulted
            case .unavailable: return .unavailable
            case .occupied, .reserved: return .occupied
            case .available: return evse.open && !reserved.contains(evseId) ? .accepted : .occupied
            }
        }
        let targets = evses.filter { candidate.fits(connectorType: $0.connectorType) }
        guard !targets.isEmpty else { return .rejected }
        let pool = evses.filter { $0.free && specific(on: $0.id) == nil }
        if Self.fit(unspecified + [candidate], on: pool) { return .accepted }
        if targets.contains(where: { $0.status != .faulted && $0.status != .unavailable }) { return .occupied }
        return targets.allSatisfy { $0.status == .faulted } ? .faulted : .unavailable
    }

    /// The reservations the EVSEs can no longer honour: an EVSE-specific one whose EVSE turned Faulted or
    /// Unavailable, and, while the others no longer fit on the open EVSEs, one of them: the most recent whose
    /// removal lets the rest fit, else the most recent [H01.FR.16/17]. Taken out.
    mutating func takeUnusable(_ evses: [ReservableEVSE]) -> [Reservation] {
        let broken = evses.filter { $0.status == .faulted || $0.status == .unavailable }.map(\.id)
        var removed = all.filter { $0.evseId.map(broken.contains) ?? false }
        all.removeAll { reservation in removed.contains { $0.id == reservation.id } }
        let pool = evses.filter { $0.open && specific(on: $0.id) == nil }
        while !Self.fit(unspecified, on: pool) {
            let waiting = unspecified
            let freeing = waiting.last { candidate in Self.fit(waiting.filter { $0.id != candidate.id }, on: pool) }
            guard let victim = freeing ?? waiting.last else { break }
            removed.append(victim)
            remove(id: victim.id)
        }
        return removed
    }

    /// What `token` (with `group`, when known) may do at `evse` [H03]. There, an EVSE-specific reservation or,
    /// when the EVSE is held for them, the others that fit its plug decide; at an EVSE nobody holds the token
    /// may start anyway, and uses up a reservation of its own that could have been served there (H03 S3).
    /// A reservation for any EVSE is claimed only where the others still fit on the EVSEs left: a token whose
    /// reservation takes any plug does not take the last EVSE a reservation for that plug needs.
    func verdict(
        for token: IdToken, group: IdToken?, groupKnown: Bool, at evse: ReservableEVSE, among evses: [ReservableEVSE]
    ) -> ReservationVerdict {
        if let reservation = specific(on: evse.id) {
            if reservation.admits(token, group: group) { return .claims(reservation.id) }
            return !groupKnown && reservation.groupIdToken != nil ? .needsGroup : .refused
        }
        let candidates = unspecified.filter { $0.fits(connectorType: evse.connectorType) }
        let left = evses.filter { $0.open && $0.id != evse.id && specific(on: $0.id) == nil }
        let claimable = candidates.first { candidate in
            candidate.admits(token, group: group) && Self.fit(unspecified.filter { $0.id != candidate.id }, on: left)
        }
        if let claimable { return .claims(claimable.id) }
        guard reserved(evses).contains(evse.id) else { return .free }
        return !groupKnown && candidates.contains { $0.groupIdToken != nil } ? .needsGroup : .refused
    }
}
