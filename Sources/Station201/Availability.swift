import OCPP201

/// The EVSEs' and connectors' availability and the status each connector last reported ([G01]–[G04]).
/// A connector's status is derived from what is set, never stored, so status and state cannot disagree.
struct Availability: Sendable {
    let evseCount: Int
    /// What ChangeAvailability made Inoperative; persisted, since it survives reboots [G03.FR.08, G04.FR.09].
    private(set) var inoperative: Set<AvailabilityTarget>
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

    func status(of connector: ConnectorKey) -> ConnectorStatus {
        let unavailable = inoperative.contains(.station) || inoperative.contains(.evse(connector.evseId))
            || inoperative.contains(.connector(evseId: connector.evseId, connectorId: connector.connectorId))
        return unavailable ? .unavailable : .available
    }

    /// AvailabilityState of a tier: a connector's status; an EVSE's is its connector's; the station's is
    /// Unavailable only when it was made so itself, Available otherwise.
    func availabilityState(of component: ComponentAddress) -> ConnectorStatus {
        switch (component.evseId, component.connectorId) {
        case (let evseId?, let connectorId?):
            status(of: ConnectorKey(evseId: evseId, connectorId: connectorId))
        case (let evseId?, nil):
            status(of: ConnectorKey(evseId: evseId, connectorId: 1))
        default:
            inoperative.contains(.station) ? .unavailable : .available
        }
    }

    /// Sets `target` Operative or Inoperative; true when that changed anything.
    mutating func set(_ target: AvailabilityTarget, operative: Bool) -> Bool {
        operative ? inoperative.remove(target) != nil : inoperative.insert(target).inserted
    }

    /// The connectors whose status differs from what was last reported, marked as reported.
    mutating func takeChanges() -> [(ConnectorKey, ConnectorStatus)] {
        var changes: [(ConnectorKey, ConnectorStatus)] = []
        for connector in connectors {
            let status = status(of: connector)
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
        guard registration.isAccepted else { return }
        for (connector, status) in availability.takeChanges() {
            outbox.enqueue(
                StatusNotificationRequest(
                    timestamp: now.wallClock, connectorStatus: status, evseId: connector.evseId,
                    connectorId: connector.connectorId),
                purpose: .informational)
            publish(.connector(ConnectorSnapshot(evseId: connector.evseId, connectorId: connector.connectorId, status: status)))
        }
    }

    var connectorSnapshots: [ConnectorSnapshot] {
        availability.connectors.map {
            ConnectorSnapshot(evseId: $0.evseId, connectorId: $0.connectorId, status: availability.status(of: $0))
        }
    }
}
