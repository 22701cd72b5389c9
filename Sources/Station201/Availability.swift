import OCPP201

/// The EVSEs' and connectors' availability and the status each connector last reported ([G01]–[G04]).
/// A connector's status is derived from what is set, never stored, so status and state cannot disagree.
struct Availability: Sendable {
    let evseCount: Int
    /// What ChangeAvailability made Inoperative; persisted, since it survives reboots [G03.FR.08, G04.FR.09].
    private(set) var inoperative: Set<AvailabilityTarget>
    /// A firmware installation is due: idle connectors are Unavailable and take no new session [L01.FR.06].
    /// Not persisted: the update is, and sets it again.
    var heldForFirmware = false
    /// The status last queued for the CSMS per connector; nil entries are reported at the next chance.
    private var reported: [ConnectorKey: ConnectorStatus] = [:]

    struct ConnectorKey: Hashable, Sendable {
        var evseId: Int
        var connectorId: Int
    }

    init(evseCount: Int, inoperative: Set<AvailabilityTarget>) {
        self.evseCount = max(1, evseCount)
        self.inoperative = inoperative
    }

    /// Every connector, in order: one per EVSE.
    var connectors: [ConnectorKey] {
        (1...evseCount).map { ConnectorKey(evseId: $0, connectorId: 1) }
    }

    func contains(_ target: AvailabilityTarget) -> Bool {
        switch target {
        case .station: true
        case .evse(let id): (1...evseCount).contains(id)
        case .connector(let evseId, let connectorId): (1...evseCount).contains(evseId) && connectorId == 1
        }
    }

    /// Inoperative itself or through its EVSE or the station.
    func isInoperative(_ connector: ConnectorKey) -> Bool {
        heldForFirmware || inoperative.contains(.station) || inoperative.contains(.evse(connector.evseId))
            || inoperative.contains(.connector(evseId: connector.evseId, connectorId: connector.connectorId))
    }

    /// A connector made Inoperative while a transaction runs on it stays Occupied until the transaction ends:
    /// the change is scheduled [G03.FR.05, G04.FR.06]. `transactionRuns`: one runs on its EVSE; `occupied`:
    /// an EV is connected or a transaction runs; `reserved`: a reservation holds its EVSE, which a cable
    /// plugged in does not change [ERR G01.FR.09].
    func status(
        of connector: ConnectorKey, faulted: Bool, occupied: Bool, transactionRuns: Bool, reserved: Bool
    ) -> ConnectorStatus {
        if faulted { return .faulted }
        if isInoperative(connector) && !transactionRuns { return .unavailable }
        if reserved { return .reserved }
        return occupied ? .occupied : .available
    }

    /// No new session on an inoperative connector, even while the transaction that delays its Unavailable runs.
    func admitsNewSession(evseId: Int) -> Bool {
        !isInoperative(ConnectorKey(evseId: evseId, connectorId: 1))
    }

    /// Sets `target` Operative or Inoperative; true when that changed anything.
    mutating func set(_ target: AvailabilityTarget, operative: Bool) -> Bool {
        operative ? inoperative.remove(target) != nil : inoperative.insert(target).inserted
    }

    /// The connectors whose status differs from what was last reported, marked as reported.
    mutating func takeChanges(_ status: (ConnectorKey) -> ConnectorStatus) -> [(ConnectorKey, ConnectorStatus)] {
        var changes: [(ConnectorKey, ConnectorStatus)] = []
        for connector in connectors {
            let status = status(connector)
            guard reported[connector] != status else { continue }
            reported[connector] = status
            changes.append((connector, status))
        }
        return changes
    }

    /// After a boot is accepted, or a reconnect after more than OfflineThreshold, every connector is
    /// reported again [B01.FR.05, B04.FR.01].
    mutating func forgetReported() {
        reported = [:]
    }
}

extension StationEngine {
    /// Queues a StatusNotification for every connector whose status changed, once the station is
    /// registered; before that, the boot's acceptance reports them all.
    mutating func reportStatusChanges() {
        reportStatusChanges(connectorStatuses)
    }

    /// `statuses`: `connectorStatuses`, when the caller has them already.
    mutating func reportStatusChanges(_ statuses: [ConnectorStatus]) {
        guard registration.isAccepted else { return }
        for (connector, status) in availability.takeChanges({ statuses[$0.evseId - 1] }) {
            outbox.enqueue(
                StatusNotificationRequest(
                    timestamp: now.wallClock, connectorStatus: status, evseId: connector.evseId,
                    connectorId: connector.connectorId),
                purpose: .informational)
        }
    }

    /// Every EVSE's connector status, by index. A loop rather than `map` with a closure: the closure captured
    /// the engine, which was copied whole.
    var connectorStatuses: [ConnectorStatus] {
        var statuses: [ConnectorStatus] = []
        statuses.reserveCapacity(evses.count)
        for index in evses.indices { statuses.append(connectorStatus(index)) }
        return statuses
    }

    /// The status of EVSE `index`'s connector, from its availability, cable, transaction and reservations.
    func connectorStatus(_ index: Int) -> ConnectorStatus {
        let reserved = !reservations.isEmpty && reservations.reserved(reservableEVSEs).contains(evses[index].id)
        return connectorStatus(index, reserved: reserved)
    }

    /// The status as if no reservation held the EVSE: what reservations themselves are decided from.
    func unreservedStatus(_ index: Int) -> ConnectorStatus {
        connectorStatus(index, reserved: false)
    }

    private func connectorStatus(_ index: Int, reserved: Bool) -> ConnectorStatus {
        let evse = evses[index]
        return availability.status(
            of: Availability.ConnectorKey(evseId: evse.id, connectorId: 1), faulted: evse.fault != nil,
            occupied: evse.isOccupied, transactionRuns: evse.transaction != nil, reserved: reserved)
    }

    /// AvailabilityState of a tier: a connector's status; an EVSE's is its connector's; the station's is
    /// Unavailable only when it was made so itself, Available otherwise.
    func availabilityState(of component: ComponentAddress) -> ConnectorStatus {
        if let evseId = component.evseId, let index = evseIndex(evseId) { return connectorStatus(index) }
        return availability.inoperative.contains(.station) ? .unavailable : .available
    }

    func connectorSnapshot(_ index: Int) -> ConnectorSnapshot {
        connectorSnapshot(index, status: connectorStatus(index))
    }

    func connectorSnapshot(_ index: Int, status: ConnectorStatus) -> ConnectorSnapshot {
        let evse = evses[index]
        return ConnectorSnapshot(
            evseId: evse.id, connectorId: 1, status: status, fault: evse.fault, plugged: evse.plugged,
            energyWh: evse.meter.energyWh, powerW: evse.powerW, limitW: evse.limitW,
            transaction: evse.transaction.flatMap { transactionSnapshot($0.id) },
            awaitingCable: !evse.plugged && (evse.transaction != nil || evse.pending?.authorized == true))
    }

    var connectorSnapshots: [ConnectorSnapshot] {
        evses.indices.map { connectorSnapshot($0) }
    }
}
