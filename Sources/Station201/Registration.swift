import OCPP201

/// Registration with the CSMS and the heartbeat ([B01]–[B03], [G02]). It decides when a BootNotification
/// or a Heartbeat is due and what the station may send meanwhile; the engine sends them.
struct Registration: Sendable {
    /// Nil until the first answer to a BootNotification of this boot.
    private(set) var status: RegistrationStatus?
    /// What the BootNotifications of this boot say: why the station started. TriggerMessage makes it
    /// `Triggered` for the BootNotification it asks for.
    private(set) var reason: BootReason
    /// When the next BootNotification may go (Pending, Rejected, or a failed one); nil: as soon as the link
    /// is up.
    private var bootDueAt: Duration?
    private var heartbeatDueAt: Duration?

    /// When the CSMS gives no interval (0) before Accepted, the station picks one that does not flood it
    /// [B02.FR.07, B03.FR.05].
    static let bootRetryFallback: Duration = .seconds(30)

    init(bootReason: BootReason) {
        reason = bootReason
    }

    var isAccepted: Bool { status == .accepted }

    /// Once Accepted, a reconnect does not boot again [P4 §5.3]; until then the next BootNotification goes
    /// as soon as its wait is over.
    func bootIsDue(at uptime: Duration) -> Bool {
        !isAccepted && bootDueAt.map { $0 <= uptime } ?? true
    }

    /// Rejected: nothing at all may be sent before the interval has passed [B03.FR.02].
    func maySend(at uptime: Duration) -> Bool {
        status != .rejected || bootIsDue(at: uptime)
    }

    /// What the station does with the answer to its BootNotification; returns the heartbeat interval to
    /// store when the CSMS set one.
    mutating func bootAnswered(_ response: BootNotificationResponse, at uptime: Duration) -> Int? {
        status = response.status
        switch response.status {
        case .accepted:
            bootDueAt = nil
            return response.interval > 0 ? response.interval : nil
        case .pending, .rejected:
            bootDueAt = uptime + (response.interval > 0 ? .seconds(response.interval) : Self.bootRetryFallback)
            return nil
        }
    }

    mutating func bootFailed(at uptime: Duration) {
        bootDueAt = uptime + Self.bootRetryFallback
    }

    /// TriggerMessage(BootNotification) before Accepted: the next one goes now, saying why [F06.FR.17].
    mutating func triggerBoot() {
        reason = .triggered
        bootDueAt = nil
    }

    /// Any message sent counts as proof of life: the heartbeat waits a full interval after it [G02.FR.05].
    mutating func messageSent(at uptime: Duration, heartbeatInterval: Int) {
        guard isAccepted else { return }
        heartbeatDueAt = uptime + .seconds(heartbeatInterval)
    }

    func heartbeatIsDue(at uptime: Duration) -> Bool {
        isAccepted && heartbeatDueAt.map { $0 <= uptime } ?? false
    }

    func nextDeadline(linkUp: Bool) -> Duration? {
        guard linkUp else { return nil }
        return isAccepted ? heartbeatDueAt : bootDueAt
    }
}
