/// The websocket client's link rules without any I/O: when to connect, how long a connect may take, how
/// long to wait after a failure, when to ping, when a silent peer is hung up, and how a reconnect or a stop
/// closes the link. Each input carries the current time (uptime, passed in: nothing here reads a clock);
/// each call returns the actions the client carries out against libwebsockets, in order. Keeping lws out
/// makes every rule testable in microseconds with a fake clock and a seeded generator.
///
/// One link attempt at a time: `connecting` … at most one `connected` … exactly one `disconnected`.
struct LinkPolicy<Random: RandomNumberGenerator & Sendable>: Sendable {
    struct Configuration: Sendable, Equatable {
        var backoff: Backoff
        /// TCP connect + TLS + websocket upgrade must complete within this many seconds.
        var connectTimeoutSeconds: Int
        /// Seconds between our pings; 0 = none. The link is hung up when nothing arrives for
        /// 2 × interval + 5 s.
        var pingInterval: Int
        /// The length of one second of `pingInterval` (tests shrink it).
        var keepaliveSecond: Duration = .seconds(1)
        /// How long a stop waits for the close handshake before the loop is left anyway.
        var stopGrace: Duration = .seconds(2)
    }

    /// The timers the client keeps for the policy; at most one deadline each.
    enum Timer: Sendable, Equatable, CaseIterable {
        case reconnect, connectDeadline, keepalive, stopDeadline
    }

    enum CloseKind: Sendable, Equatable {
        /// Close code 1000 once the frames queued for the connection are written.
        case normal
        /// Drop the connection at once, without a close handshake (it may not be established).
        case abort
    }

    enum Input: Sendable, Equatable {
        /// A libwebsockets context is ready: at start and after each rebuild.
        case contextReady
        /// No context could be created; counts as a failed attempt.
        case contextFailed
        case reconnectDue
        case connectDeadlinePassed
        case keepaliveDue
        case stopDeadlinePassed
        /// The handshake completed and the subprotocol was confirmed.
        case connected(connection: UInt64)
        /// Data or a pong arrived on the link.
        case traffic
        /// The attempt is over (connect failure or close alike). `reason` is the first cause the client
        /// recorded; `stopRequested` says that a stop was asked for but not handed to the policy yet.
        case ended(connection: UInt64, reason: String?, securityFailure: SecurityFailure?, stopRequested: Bool)
        case reconnectRequested
        /// New credentials or trust: the context is rebuilt before the next attempt.
        case securityChanged
        case pingIntervalChanged(seconds: Int)
        case stopRequested
    }

    struct SecurityFailure: Sendable, Equatable {
        var failure: LinkSecurityFailure
        var detail: String
    }

    enum Action: Sendable, Equatable {
        case emit(WebSocketEvent)
        /// Start connection attempt `connection` now.
        case connect(connection: UInt64)
        case arm(Timer, at: Duration)
        case cancel(Timer)
        /// Close the attempt; `reason` goes into its `disconnected` unless an earlier cause was recorded.
        case close(connection: UInt64, CloseKind, reason: String)
        /// Answer the handshake that just completed by dropping it.
        case refuseHandshake(connection: UInt64)
        case sendPing(connection: UInt64)
        /// Leave the service loop, build a new context with the new security settings, then report `contextReady`.
        case rebuildContext
        /// Leave the service loop for good: the client has stopped.
        case exit
    }

    /// The attempt in progress.
    private struct Link: Sendable {
        let id: UInt64
        var established = false
        /// We asked for a normal close: no more pings.
        var closing = false
        /// The close was asked for by `reconnectRequested`: reconnect at once, no back-off.
        var userReconnect = false
        var lastTraffic: Duration = .zero
        var lastPing: Duration = .zero
    }

    private(set) var configuration: Configuration
    private var random: Random
    private var link: Link?
    private var lastConnectionID: UInt64 = 0
    /// Failed attempts and drops since the last successful connect (drives the back-off).
    private var failures = 0
    /// Attempts started since the last successful connect (the `attempt` in `.connecting`).
    private var attemptsSinceConnected = 0
    private var securityChanged = false
    private(set) var stopping = false

    init(configuration: Configuration, random: Random) {
        self.configuration = configuration
        self.random = random
    }

    /// Before the service thread starts only (tests shrink the second).
    mutating func setKeepaliveSecond(_ second: Duration) {
        configuration.keepaliveSecond = second
    }

    /// The waits after later failures follow `backoff`; one already scheduled stands.
    mutating func setBackoff(_ backoff: Backoff) {
        configuration.backoff = backoff
    }

    mutating func handle(_ input: Input, now: Duration) -> [Action] {
        switch input {
        case .contextReady:
            securityChanged = false
            return [.arm(.reconnect, at: now)]
        case .contextFailed:
            return contextFailed(now: now)
        case .reconnectDue:
            return reconnectDue(now: now)
        case .connectDeadlinePassed:
            guard let link, !link.established else { return [] }
            return [.close(connection: link.id, .abort, reason:
                "timed out: TCP/TLS/websocket handshake did not complete within \(configuration.connectTimeoutSeconds) s")]
        case .keepaliveDue:
            return keepaliveDue(now: now)
        case .stopDeadlinePassed:
            return [.exit]
        case .connected(let id):
            return connected(id, now: now)
        case .traffic:
            link?.lastTraffic = now
            return []
        case let .ended(id, reason, securityFailure, stopRequested):
            return ended(id, reason: reason, securityFailure: securityFailure, stopRequested: stopRequested, now: now)
        case .reconnectRequested:
            return reconnectRequested(now: now)
        case .securityChanged:
            securityChanged = true
            return []
        case .pingIntervalChanged(let seconds):
            guard !stopping, seconds != configuration.pingInterval else { return [] }
            configuration.pingInterval = seconds
            if link?.established == true {
                link?.lastTraffic = now     // a fresh hang-up window for the new interval
                link?.lastPing = now
            }
            return [keepalive(now: now)]
        case .stopRequested:
            return stop(now: now)
        }
    }

    // MARK: Attempts

    private mutating func reconnectDue(now: Duration) -> [Action] {
        guard !stopping, link == nil else { return [] }
        if securityChanged { return [.rebuildContext] }
        lastConnectionID += 1
        attemptsSinceConnected += 1
        link = Link(id: lastConnectionID)
        // The deadline is armed before the connect: a connect that fails at once ends the attempt, and
        // that cancels the deadline.
        return [
            .emit(.connecting(connection: lastConnectionID, attempt: attemptsSinceConnected)),
            .arm(.connectDeadline, at: now + .seconds(configuration.connectTimeoutSeconds)),
            .connect(connection: lastConnectionID),
        ]
    }

    /// Without a context there are no lws timers: the attempt is reported as failed, and the client waits
    /// until the reconnect deadline by other means.
    private mutating func contextFailed(now: Duration) -> [Action] {
        lastConnectionID += 1
        attemptsSinceConnected += 1
        failures += 1
        let delay = configuration.backoff.delay(afterFailures: failures, random: &random)
        return [
            .emit(.connecting(connection: lastConnectionID, attempt: attemptsSinceConnected)),
            .emit(.disconnected(connection: lastConnectionID, reason: "could not create the libwebsockets context",
                                reconnectIn: delay)),
            .arm(.reconnect, at: now + delay),
        ]
    }

    private mutating func connected(_ id: UInt64, now: Duration) -> [Action] {
        guard var link, link.id == id else { return [.refuseHandshake(connection: id)] }
        if stopping || link.userReconnect { return [.refuseHandshake(connection: id)] }
        link.established = true
        link.lastTraffic = now
        link.lastPing = now
        self.link = link
        failures = 0
        attemptsSinceConnected = 0
        return [.cancel(.connectDeadline), keepalive(now: now), .emit(.connected(connection: id))]
    }

    private mutating func ended(
        _ id: UInt64, reason: String?, securityFailure: SecurityFailure?, stopRequested: Bool, now: Duration
    ) -> [Action] {
        guard let link, link.id == id else { return [] }
        self.link = nil
        let reason = reason ?? (link.established
            ? "connection closed"
            : "connection closed before the websocket handshake completed")
        let reconnectIn: Duration?
        if stopping || stopRequested {
            reconnectIn = nil
        } else if link.userReconnect {
            reconnectIn = .zero
        } else {
            failures += 1
            reconnectIn = configuration.backoff.delay(afterFailures: failures, random: &random)
        }
        var actions: [Action] = [.cancel(.keepalive), .cancel(.connectDeadline)]
        if let securityFailure {
            actions.append(.emit(.securityFailure(connection: id, securityFailure.failure, detail: securityFailure.detail)))
        }
        actions.append(.emit(.disconnected(connection: id, reason: reason, reconnectIn: reconnectIn)))
        if stopping {
            actions.append(.exit)
        } else if let reconnectIn {
            actions.append(.arm(.reconnect, at: now + reconnectIn))
        }
        return actions
    }

    private mutating func reconnectRequested(now: Duration) -> [Action] {
        guard !stopping else { return [] }
        guard var link else { return [.cancel(.reconnect), .arm(.reconnect, at: now)] }
        link.userReconnect = true
        let kind: CloseKind = link.established ? .normal : .abort
        if link.established { link.closing = true }
        self.link = link
        return [.close(connection: link.id, kind, reason: "reconnect requested")]
    }

    private mutating func stop(now: Duration) -> [Action] {
        guard !stopping else { return [] }
        stopping = true
        var actions: [Action] = [.cancel(.reconnect), .cancel(.keepalive)]
        guard var link else { return actions + [.exit] }
        if link.established { link.closing = true }
        self.link = link
        actions.append(.close(connection: link.id, link.established ? .normal : .abort, reason: "client stopped"))
        actions.append(.arm(.stopDeadline, at: now + configuration.stopGrace))
        return actions
    }

    // MARK: Keepalive

    private var pingEvery: Duration { configuration.keepaliveSecond * configuration.pingInterval }
    private var hangUpAfter: Duration { configuration.keepaliveSecond * (2 * configuration.pingInterval + 5) }

    /// The keepalive timer for the current state: armed at the next ping or hang-up, whichever comes first.
    private func keepalive(now: Duration) -> Action {
        guard configuration.pingInterval > 0, let link, link.established, !link.closing else { return .cancel(.keepalive) }
        let due = min(link.lastPing + pingEvery, link.lastTraffic + hangUpAfter)
        return .arm(.keepalive, at: max(due, now))
    }

    private mutating func keepaliveDue(now: Duration) -> [Action] {
        guard configuration.pingInterval > 0, var link, link.established, !link.closing else { return [] }
        if now >= link.lastTraffic + hangUpAfter {
            let interval = configuration.pingInterval
            return [.close(connection: link.id, .abort,
                           reason: "no pong or other traffic for \(2 * interval + 5) s (ping interval \(interval) s)")]
        }
        var actions: [Action] = []
        if now >= link.lastPing + pingEvery {
            link.lastPing = now
            self.link = link
            actions.append(.sendPing(connection: link.id))
        }
        actions.append(keepalive(now: now))
        return actions
    }
}
