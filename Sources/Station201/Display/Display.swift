import EngineSupport
import OCPP201

/// What the station's display shows ([O01]–[O06]), kept in step with the clock and the station's state:
/// after every input, messages whose end has come or whose transaction ended are removed (persisted), and
/// observers see the display whenever what it shows changes.
extension StationEngine {
    /// The state a message's `state` is compared with, for the station as a whole (one display): Charging
    /// while any EVSE charges; otherwise Faulted when every EVSE is, Unavailable when every EVSE is
    /// Unavailable or Faulted; otherwise Idle.
    func displayState(_ statuses: [ConnectorStatus]) -> MessageState {
        if evses.contains(where: { $0.chargingState == .charging }) { return .charging }
        if statuses.allSatisfy({ $0 == .faulted }) { return .faulted }
        if statuses.allSatisfy({ $0 == .faulted || $0 == .unavailable }) { return .unavailable }
        return .idle
    }

    var ongoingTransactionIds: Set<String> { Set(evses.compactMap(\.transaction?.id)) }

    /// DisplayMessageCtrlr.Available and Enabled: false leaves the display blank and refuses new messages;
    /// the stored ones are kept.
    var displayEnabled: Bool {
        deviceModel.boolean(StandardVariables.displayMessageCtrlrAvailable)
            && deviceModel.boolean(StandardVariables.displayMessageCtrlrEnabled)
    }

    /// What the display shows now, and every stored message with whether it is in force.
    var displaySnapshot: DisplaySnapshot { displaySnapshot(connectorStatuses) }

    /// `statuses`: `connectorStatuses`, worked out once for the input.
    func displaySnapshot(_ statuses: [ConnectorStatus]) -> DisplaySnapshot {
        let enabled = displayEnabled
        let state = displayState(statuses)
        // The everyday case, worked out after every input: no message stored.
        guard displayMessages.count > 0 else {
            return DisplaySnapshot(enabled: enabled, state: state, shown: nil, cycle: [], messages: [])
        }
        let ongoing = ongoingTransactionIds
        let cycle = enabled ? displayMessages.cycle(at: now.wallClock, state: state, ongoing: ongoing) : []
        return DisplaySnapshot(
            enabled: enabled, state: state,
            shown: DisplayMessages.shown(from: cycle, elapsed: now.uptime - startedAt), cycle: cycle.map(\.id),
            messages: displayMessages.all.map { message in
                DisplayMessageSnapshot(
                    message: message,
                    inForce: DisplayMessages.isInForce(message, at: now.wallClock, state: state, ongoing: ongoing))
            })
    }

    /// Removes the messages whose end has come or whose transaction ended [O01.FR.07, O02.FR.02/07]; before
    /// an input is handled, so that no request sees them, and after, for the transactions it ended.
    mutating func removeOutdatedDisplayMessages() {
        guard displayMessages.count > 0 else { return }
        for id in displayMessages.outdated(at: now.wallClock, ongoing: ongoingTransactionIds) {
            _ = displayMessages.remove(id: id)
            persist(.displayMessageRemoved(id))
        }
    }

    /// Removes what has run out, then shows observers the display if it changed.
    mutating func followDisplay(_ statuses: [ConnectorStatus]) {
        removeOutdatedDisplayMessages()
        let snapshot = displaySnapshot(statuses)
        if let published = publishedDisplay, published == snapshot { return }
        publishedDisplay = snapshot
        publish(.display(snapshot))
    }

    /// The next start or end of a message, and the next turn while several messages take turns.
    func considerDisplayDeadlines(_ earliest: inout EarliestDeadline) {
        earliest.consider(displayMessages.nextChange(after: now.wallClock).map(now.uptime(at:)))
        if let display = publishedDisplay, display.cycle.count > 1 {
            earliest.consider(startedAt + DisplayMessages.nextTurn(after: now.uptime - startedAt))
        }
    }
}
