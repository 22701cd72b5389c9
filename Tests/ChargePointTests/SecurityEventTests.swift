import OCPP16
import Testing

@testable import ChargePoint

@Suite struct SecurityEventTests {
    typealias F = SecurityFixture
    static let startedAt = Timestamp(millisecondsSince1970: 1_800_000_000_000)

    private func types(_ harness: Harness) -> [JSONValue] {
        harness.calls("SecurityEventNotification").compactMap { $0["type"] }
    }

    @Test func startupOfTheDeviceIsLoggedAndQueuedAtStart() throws {
        var harness = Harness()
        let event = SecurityEvent(type: .startupOfTheDevice, timestamp: Self.startedAt, techInfo: nil)
        let request = SecurityEventNotificationRequest(type: "StartupOfTheDevice", timestamp: Self.startedAt, techInfo: nil)
        #expect(harness.persisted == [
            .appendSecurityEvent(event),
            .enqueue(QueuedMessage(sequence: 1, transactionLocalId: 0, message: .securityEvent(request))),
        ])
        harness.bootAccepted()
        let call = try #require(harness.calls("SecurityEventNotification").first)
        #expect(call.payload == .object(["type": .string("StartupOfTheDevice"), "timestamp": .string("2027-01-15T08:00:00.000Z")]))
    }

    @Test func aResetRaisesResetOrRebootWhichReachesTheCentralSystemBeforeTheReboot() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("r1", "Reset", #"{"type":"Soft"}"#)
        #expect(F.events(harness.persisted).last == SecurityEvent(
            type: .resetOrReboot, timestamp: harness.now.wallClock, techInfo: "Soft reset"))
        #expect(harness.outstanding?["type"] == .string("ResetOrReboot"))
        #expect(harness.effects.last != .restart)
        harness.respond("{}")
        #expect(harness.effects.last == .restart)
    }

    @Test func aSecurityFailureIsRaisedOncePerStreakOfFailedConnects() {
        var harness = Harness()
        for _ in 0..<2 {
            harness.handle(.linkConnecting)
            harness.handle(.securityFailure(.invalidCentralSystemCertificate, detail: "unknown ca"))
            harness.handle(.linkDown(reason: "TLS handshake failed"))
        }
        #expect(F.eventTypes(harness.persisted) == [.startupOfTheDevice, .invalidCentralSystemCertificate])
        #expect(F.events(harness.persisted).last?.techInfo == "unknown ca")
        harness.handle(.linkConnecting)
        harness.handle(.securityFailure(.invalidTLSVersion, detail: "protocol version"))
        #expect(F.eventTypes(harness.persisted).last == .invalidTLSVersion)
        harness.handle(.linkConnecting)
        harness.handle(.linkUp)
        harness.handle(.linkDown(reason: "gone"))
        harness.handle(.linkConnecting)
        harness.handle(.securityFailure(.invalidCentralSystemCertificate, detail: "unknown ca"))
        #expect(F.eventTypes(harness.persisted)
            == [.startupOfTheDevice, .invalidCentralSystemCertificate, .invalidTLSVersion, .invalidCentralSystemCertificate])
    }

    @Test func queuedEventsSurviveARestartOfTheEngine() {
        var first = Harness()
        first.handle(.securityFailure(.failedToAuthenticateAtCentralSystem, detail: "HTTP 401"))
        let queue = first.persisted.compactMap { if case .enqueue(let message) = $0 { message } else { nil } }
        #expect(queue.count == 2)
        var second = Harness(persisted: PersistedState(queue: queue, securityEvents: F.events(first.persisted)))
        #expect(second.engine.securityLog.map(\.type)
            == [.startupOfTheDevice, .failedToAuthenticateAtCentralSystem, .startupOfTheDevice])
        second.bootAccepted()
        #expect(types(second) == [
            .string("StartupOfTheDevice"), .string("FailedToAuthenticateAtCentralSystem"), .string("StartupOfTheDevice"),
        ])
        #expect(second.calls("SecurityEventNotification")[1]["techInfo"] == .string("HTTP 401"))
    }

    @Test func aCallErrorDropsTheEventWithoutRetry() throws {
        var harness = Harness()
        harness.handle(.linkUp)
        harness.respond(#"{"status":"Accepted","currentTime":"2027-01-15T08:00:00Z","interval":300}"#)
        while let call = harness.outstanding, call.action != "SecurityEventNotification" { harness.respond("{}") }
        harness.respondError("InternalError")
        #expect(harness.persisted.contains(.dequeue(sequence: 1)))
        #expect(!harness.persisted.contains { if case .updateQueued = $0 { true } else { false } })
        harness.advance(by: .seconds(600))
        harness.acknowledgeAll()
        #expect(types(harness) == [.string("StartupOfTheDevice")])
        #expect(harness.engine.securityLog.map(\.type) == [.startupOfTheDevice])
    }

    @Test func anUnansweredEventIsRetriedLikeTransactionMessages() throws {
        var harness = Harness()
        harness.handle(.linkUp)
        harness.respond(#"{"status":"Accepted","currentTime":"2027-01-15T08:00:00Z","interval":3600}"#)
        while let call = harness.outstanding, call.action != "SecurityEventNotification" { harness.respond("{}") }
        let first = try #require(harness.outstanding)
        harness.advance(by: .seconds(30))  // MessageTimeout
        #expect(harness.persisted.contains { if case .updateQueued(let message) = $0 { message.failedAttempts == 1 } else { false } })
        #expect(harness.calls("SecurityEventNotification").count == 1)
        harness.advance(by: .seconds(59))
        #expect(harness.calls("SecurityEventNotification").count == 1)
        harness.advance(by: .seconds(1))  // TransactionMessageRetryInterval × 1
        let retry = try #require(harness.outstanding)
        #expect(retry.action == "SecurityEventNotification")
        #expect(retry.payload == first.payload)
        #expect(retry.messageId != first.messageId)
        harness.respond("{}")
        #expect(harness.persisted.contains(.dequeue(sequence: 1)))
    }

    @Test func theSecurityLogKeepsTheMostRecentEntriesUpToItsCapacity() throws {
        let capacity = ChargePointEngine.securityLogCapacity
        let old = (0..<capacity).map { index in
            SecurityEvent(type: .settingSystemTime, timestamp: Timestamp(millisecondsSince1970: Int64(index) * 1000), techInfo: "\(index)")
        }
        var harness = Harness(persisted: PersistedState(securityEvents: old))
        #expect(harness.engine.securityLog.count == capacity)
        #expect(harness.engine.securityLog.first?.techInfo == "1")
        #expect(harness.engine.securityLog.last?.type == .startupOfTheDevice)
        let reply = harness.command(.securityEvents)
        guard case .securityEvents(let listed)? = harness.reply(reply) else {
            Issue.record("no security events")
            return
        }
        #expect(listed == harness.engine.securityLog)
    }

    @Test func techInfoIsCutTo255Bytes() {
        var harness = Harness()
        harness.handle(.securityFailure(.invalidMessages, detail: String(repeating: "x", count: 300)))
        #expect(F.events(harness.persisted).last?.techInfo == String(repeating: "x", count: 255))
    }

    @Test func techInfoIsCutAtACharacterBoundaryAndStillSent() throws {
        var harness = Harness()
        let detail = String(repeating: "x", count: 254) + "é and more"
        harness.handle(.securityFailure(.invalidMessages, detail: detail))
        let event = try #require(F.events(harness.persisted).last)
        let info = try #require(event.techInfo)
        #expect(info.utf8.count <= 255)
        #expect(detail.hasPrefix(info))
        let queued = harness.persisted.compactMap { change -> SecurityEventNotificationRequest? in
            if case .enqueue(let message) = change, case .securityEvent(let request) = message.message { request } else { nil }
        }
        #expect(queued.last?.techInfo?.value == info)
    }
}
