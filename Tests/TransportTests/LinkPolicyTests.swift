import EngineSupport
import Testing
@testable import Transport

/// The link rules with a fake clock (a `Duration` the test moves) and a seeded generator: no sockets,
/// no threads, no sleeps.
@Suite struct LinkPolicyTests {
    typealias Policy = LinkPolicy<SplitMix64>

    /// A policy and its clock; `handle` advances nothing, `advance` moves the clock.
    struct Harness {
        var policy: Policy
        var now: Duration = .seconds(100)

        init(backoff: Backoff = Backoff(initialDelay: .seconds(1), multiplier: 2, maximumDelay: .seconds(8), jitter: 0),
             connectTimeoutSeconds: Int = 10, pingInterval: Int = 0, seed: UInt64 = 42) {
            policy = Policy(
                configuration: .init(backoff: backoff, connectTimeoutSeconds: connectTimeoutSeconds, pingInterval: pingInterval),
                random: SplitMix64(seed: seed))
        }

        mutating func handle(_ input: Policy.Input) -> [Policy.Action] { policy.handle(input, now: now) }
        mutating func advance(_ duration: Duration) { now += duration }

        /// Context ready, reconnect timer fires: attempt `id` is connecting.
        mutating func startConnecting() -> [Policy.Action] {
            #expect(handle(.contextReady) == [.arm(.reconnect, at: now)])
            return handle(.reconnectDue)
        }

        /// A failed attempt `id`; returns the announced delay.
        mutating func fail(_ id: UInt64, reason: String = "refused") -> Duration? {
            let actions = handle(.ended(connection: id, reason: reason, securityFailure: nil, stopRequested: false))
            for action in actions {
                if case let .emit(.disconnected(_, _, reconnectIn)) = action { return reconnectIn }
            }
            return nil
        }
    }

    @Test func startConnectsAtOnceWithADeadline() {
        var h = Harness()
        let actions = h.startConnecting()
        #expect(actions == [
            .emit(.connecting(connection: 1, attempt: 1)),
            .arm(.connectDeadline, at: h.now + .seconds(10)),
            .connect(connection: 1),
        ])
        // A second reconnect tick while the attempt runs does nothing.
        #expect(h.handle(.reconnectDue) == [])
    }

    @Test func backOffGrowsToTheCapAndAttemptsCount() throws {
        var h = Harness()
        _ = h.startConnecting()
        var delays: [Duration] = []
        for id in UInt64(1)...6 {
            let actions = h.handle(.ended(connection: id, reason: "refused", securityFailure: nil, stopRequested: false))
            let delay = try #require(actions.compactMap { action -> Duration? in
                if case let .emit(.disconnected(_, _, reconnectIn)) = action { return reconnectIn }
                return nil
            }.first)
            delays.append(delay)
            #expect(actions.last == .arm(.reconnect, at: h.now + delay))
            h.advance(delay)
            #expect(h.handle(.reconnectDue).first == .emit(.connecting(connection: id + 1, attempt: Int(id) + 1)))
        }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)])
    }

    @Test func jitteredDelaysFollowTheSeededGenerator() {
        let backoff = Backoff(initialDelay: .seconds(1), multiplier: 2, maximumDelay: .seconds(30), jitter: 0.2)
        var h = Harness(backoff: backoff, seed: 7)
        var reference = SplitMix64(seed: 7)
        _ = h.startConnecting()
        for failures in 1...4 {
            let delay = h.fail(UInt64(failures))
            #expect(delay == backoff.delay(afterFailures: failures, random: &reference))
            h.advance(delay ?? .zero)
            _ = h.handle(.reconnectDue)
        }
    }

    @Test func aSuccessfulConnectResetsTheBackOffAndTheAttemptCount() {
        var h = Harness()
        _ = h.startConnecting()
        #expect(h.fail(1) == .seconds(1))
        _ = h.handle(.reconnectDue)
        #expect(h.fail(2) == .seconds(2))
        #expect(h.handle(.reconnectDue).first == .emit(.connecting(connection: 3, attempt: 3)))

        #expect(h.handle(.connected(connection: 3)) == [
            .cancel(.connectDeadline), .cancel(.keepalive), .emit(.connected(connection: 3))])
        let drop = h.handle(.ended(connection: 3, reason: nil, securityFailure: nil, stopRequested: false))
        #expect(drop == [
            .cancel(.keepalive), .cancel(.connectDeadline),
            .emit(.disconnected(connection: 3, reason: "connection closed", reconnectIn: .seconds(1))),
            .arm(.reconnect, at: h.now + .seconds(1)),
        ])
        #expect(h.handle(.reconnectDue).first == .emit(.connecting(connection: 4, attempt: 1)))
    }

    @Test func theConnectDeadlineAbortsAnAttemptThatIsNotEstablished() {
        var h = Harness(connectTimeoutSeconds: 3)
        _ = h.startConnecting()
        h.advance(.seconds(3))
        #expect(h.handle(.connectDeadlinePassed) == [.close(
            connection: 1, .abort, reason: "timed out: TCP/TLS/websocket handshake did not complete within 3 s")])
        #expect(h.fail(1, reason: "timed out") == .seconds(1))
        // A stale deadline after the connect does nothing.
        _ = h.handle(.reconnectDue)
        _ = h.handle(.connected(connection: 2))
        #expect(h.handle(.connectDeadlinePassed) == [])
    }

    @Test func aFailedAttemptWithoutACauseSaysTheHandshakeDidNotComplete() {
        var h = Harness()
        _ = h.startConnecting()
        let failure = Policy.SecurityFailure(failure: .credentialsRejected, detail: "HTTP 401")
        #expect(h.handle(.ended(connection: 1, reason: nil, securityFailure: failure, stopRequested: false)) == [
            .cancel(.keepalive), .cancel(.connectDeadline),
            .emit(.securityFailure(connection: 1, .credentialsRejected, detail: "HTTP 401")),
            .emit(.disconnected(connection: 1, reason: "connection closed before the websocket handshake completed",
                                reconnectIn: .seconds(1))),
            .arm(.reconnect, at: h.now + .seconds(1)),
        ])
    }

    @Test func aReconnectRequestClosesNormallyAndReconnectsAtOnce() {
        var h = Harness()
        _ = h.startConnecting()
        _ = h.handle(.connected(connection: 1))
        #expect(h.handle(.reconnectRequested) == [.close(connection: 1, .normal, reason: "reconnect requested")])
        let actions = h.handle(.ended(connection: 1, reason: "reconnect requested", securityFailure: nil, stopRequested: false))
        #expect(actions.suffix(2) == [
            .emit(.disconnected(connection: 1, reason: "reconnect requested", reconnectIn: .zero)),
            .arm(.reconnect, at: h.now),
        ])
        #expect(h.handle(.reconnectDue).first == .emit(.connecting(connection: 2, attempt: 1)))
    }

    @Test func aReconnectRequestWhileConnectingAbortsAndRefusesALateHandshake() {
        var h = Harness()
        _ = h.startConnecting()
        #expect(h.handle(.reconnectRequested) == [.close(connection: 1, .abort, reason: "reconnect requested")])
        #expect(h.handle(.connected(connection: 1)) == [.refuseHandshake(connection: 1)])
        #expect(h.fail(1, reason: "reconnect requested") == .zero)
    }

    @Test func aReconnectRequestWhileWaitingCutsTheWaitShort() {
        var h = Harness()
        _ = h.startConnecting()
        _ = h.fail(1)
        #expect(h.handle(.reconnectRequested) == [.cancel(.reconnect), .arm(.reconnect, at: h.now)])
    }

    @Test func stopWhileConnectingAbortsThenExits() {
        var h = Harness()
        _ = h.startConnecting()
        #expect(h.handle(.stopRequested) == [
            .cancel(.reconnect), .cancel(.keepalive),
            .close(connection: 1, .abort, reason: "client stopped"),
            .arm(.stopDeadline, at: h.now + .seconds(2)),
        ])
        #expect(h.handle(.stopRequested) == [])
        #expect(h.handle(.connected(connection: 1)) == [.refuseHandshake(connection: 1)])
        #expect(h.handle(.ended(connection: 1, reason: "client stopped", securityFailure: nil, stopRequested: false)) == [
            .cancel(.keepalive), .cancel(.connectDeadline),
            .emit(.disconnected(connection: 1, reason: "client stopped", reconnectIn: nil)),
            .exit,
        ])
        #expect(h.handle(.reconnectDue) == [])
        #expect(h.handle(.reconnectRequested) == [])
    }

    @Test func stopWhileConnectedClosesNormallyAndTheDeadlineEndsTheWait() {
        var h = Harness(pingInterval: 5)
        _ = h.startConnecting()
        _ = h.handle(.connected(connection: 1))
        #expect(h.handle(.stopRequested) == [
            .cancel(.reconnect), .cancel(.keepalive),
            .close(connection: 1, .normal, reason: "client stopped"),
            .arm(.stopDeadline, at: h.now + .seconds(2)),
        ])
        h.advance(.seconds(30))
        #expect(h.handle(.keepaliveDue) == [])            // no pings while closing
        #expect(h.handle(.stopDeadlinePassed) == [.exit])
    }

    @Test func stopWithoutAnAttemptExitsAtOnce() {
        var h = Harness()
        #expect(h.handle(.stopRequested) == [.cancel(.reconnect), .cancel(.keepalive), .exit])
    }

    @Test func aStopNotYetHandedOverMeansNoReconnect() {
        var h = Harness()
        _ = h.startConnecting()
        #expect(h.handle(.ended(connection: 1, reason: "refused", securityFailure: nil, stopRequested: true)) == [
            .cancel(.keepalive), .cancel(.connectDeadline),
            .emit(.disconnected(connection: 1, reason: "refused", reconnectIn: nil)),
        ])
    }

    @Test func pingsFollowTheIntervalAndASilentPeerIsHungUp() {
        var h = Harness(pingInterval: 10)
        _ = h.startConnecting()
        let connectedAt = h.now
        #expect(h.handle(.connected(connection: 1)) == [
            .cancel(.connectDeadline), .arm(.keepalive, at: connectedAt + .seconds(10)), .emit(.connected(connection: 1))])

        h.advance(.seconds(10))
        #expect(h.handle(.keepaliveDue) == [.sendPing(connection: 1), .arm(.keepalive, at: connectedAt + .seconds(20))])
        h.advance(.seconds(3))
        _ = h.handle(.traffic)                             // the pong
        h.advance(.seconds(7))
        #expect(h.handle(.keepaliveDue) == [.sendPing(connection: 1), .arm(.keepalive, at: connectedAt + .seconds(30))])
        // Silence from here: a ping at 30 s, the hang-up 2 × 10 + 5 s after the last traffic (at 13 s).
        h.advance(.seconds(10))
        #expect(h.handle(.keepaliveDue) == [.sendPing(connection: 1), .arm(.keepalive, at: connectedAt + .seconds(38))])
        h.advance(.seconds(8))
        #expect(h.handle(.keepaliveDue) == [.close(
            connection: 1, .abort, reason: "no pong or other traffic for 25 s (ping interval 10 s)")])
    }

    @Test func anEarlyKeepaliveTickOnlyRearms() {
        var h = Harness(pingInterval: 10)
        _ = h.startConnecting()
        let connectedAt = h.now
        _ = h.handle(.connected(connection: 1))
        h.advance(.seconds(4))
        #expect(h.handle(.keepaliveDue) == [.arm(.keepalive, at: connectedAt + .seconds(10))])
    }

    @Test func thePingIntervalChangesLive() {
        var h = Harness(pingInterval: 0)
        _ = h.startConnecting()
        #expect(h.handle(.connected(connection: 1)) == [
            .cancel(.connectDeadline), .cancel(.keepalive), .emit(.connected(connection: 1))])
        h.advance(.seconds(100))
        #expect(h.handle(.pingIntervalChanged(seconds: 2)) == [.arm(.keepalive, at: h.now + .seconds(2))])
        #expect(h.handle(.pingIntervalChanged(seconds: 2)) == [])
        #expect(h.handle(.pingIntervalChanged(seconds: 0)) == [.cancel(.keepalive)])
        #expect(h.handle(.keepaliveDue) == [])
    }

    @Test func theKeepaliveSecondScalesTheSchedule() {
        var h = Harness(pingInterval: 1)
        h.policy.setKeepaliveSecond(.milliseconds(50))
        _ = h.startConnecting()
        #expect(h.handle(.connected(connection: 1)).dropFirst().first == .arm(.keepalive, at: h.now + .milliseconds(50)))
        h.advance(.milliseconds(350))
        #expect(h.handle(.keepaliveDue) == [.close(connection: 1, .abort, reason: "no pong or other traffic for 7 s (ping interval 1 s)")])
    }

    @Test func aSecurityChangeRebuildsTheContextBeforeTheNextAttempt() {
        var h = Harness()
        _ = h.startConnecting()
        _ = h.handle(.connected(connection: 1))
        #expect(h.handle(.securityChanged) == [])          // the open link is kept
        _ = h.fail(1)
        #expect(h.handle(.reconnectDue) == [.rebuildContext])
        #expect(h.handle(.contextReady) == [.arm(.reconnect, at: h.now)])
        #expect(h.handle(.reconnectDue).first == .emit(.connecting(connection: 2, attempt: 1)))
    }

    @Test func aContextThatCannotBeBuiltIsAFailedAttempt() {
        var h = Harness()
        #expect(h.handle(.contextFailed) == [
            .emit(.connecting(connection: 1, attempt: 1)),
            .emit(.disconnected(connection: 1, reason: "could not create the libwebsockets context", reconnectIn: .seconds(1))),
            .arm(.reconnect, at: h.now + .seconds(1)),
        ])
        #expect(h.handle(.contextFailed).dropFirst().first == .emit(.disconnected(
            connection: 2, reason: "could not create the libwebsockets context", reconnectIn: .seconds(2))))
        _ = h.handle(.contextReady)
        #expect(h.handle(.reconnectDue).first == .emit(.connecting(connection: 3, attempt: 3)))
    }

    @Test func eventsForAnotherConnectionAreIgnored() {
        var h = Harness()
        _ = h.startConnecting()
        #expect(h.handle(.ended(connection: 9, reason: nil, securityFailure: nil, stopRequested: false)) == [])
        #expect(h.handle(.connected(connection: 9)) == [.refuseHandshake(connection: 9)])
    }
}
