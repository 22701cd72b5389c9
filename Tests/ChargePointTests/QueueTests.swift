import OCPP16
import Testing

@testable import ChargePoint

@Suite struct QueueTests {
    /// A session that happens entirely offline, delivered after the link returns.
    @Test func offlineTransactionIsDeliveredInOrderWithTheAssignedId() throws {
        var harness = Harness(overrides: [("AllowOfflineTxForUnknownId", "true"), ("MeterValueSampleInterval", "10")])
        harness.bootAccepted()
        harness.handle(.linkDown(reason: "gone"))
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.advance(by: .seconds(25))
        _ = harness.command(.stop(connector: 1, reason: .local))
        #expect(harness.engine.transactionQueue.count == 4)
        let before = harness.sentCalls.count
        harness.handle(.linkUp)
        harness.nextTransactionId = 42
        harness.acknowledgeAll()
        let delivered = harness.sentCalls.dropFirst(before).filter { $0.action != "StatusNotification" }
        #expect(delivered.map(\.action) == ["StartTransaction", "MeterValues", "MeterValues", "StopTransaction"])
        #expect(delivered.dropFirst().allSatisfy { $0["transactionId"] == .integer(42) })
        #expect(harness.engine.transactionQueue.isEmpty)
        // The four and the StartupOfTheDevice security event, which travels in the same queue.
        #expect(harness.persisted.filter { if case .dequeue = $0 { true } else { false } }.count == 5)
    }

    @Test func statusNotificationsMayOvertakeTransactionMessagesWaitingForRetry() throws {
        var harness = Harness(overrides: [("TransactionMessageRetryInterval", "30")])
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.respond("{}")
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        #expect(harness.outstanding?.action == "StartTransaction")
        harness.respondError("InternalError")
        // The Charging status goes out while StartTransaction waits for its retry.
        #expect(harness.outstanding?.action == "StatusNotification")
        harness.respond("{}")
        #expect(harness.outstanding == nil)
        harness.advance(by: .seconds(29))
        #expect(harness.calls("StartTransaction").count == 1)
        harness.advance(by: .seconds(1))
        #expect(harness.calls("StartTransaction").count == 2)
    }

    @Test func retriesWaitLongerEachTimeAndGiveUpAfterTheAttempts() throws {
        var harness = Harness(overrides: [("TransactionMessageAttempts", "3"), ("TransactionMessageRetryInterval", "10")])
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.respond("{}")
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        harness.respondError("InternalError")  // attempt 1 failed: wait 10 s
        harness.acknowledgeAll()
        harness.advance(by: .seconds(10))
        #expect(harness.calls("StartTransaction").count == 2)
        harness.respondError("InternalError")  // attempt 2 failed: wait 20 s
        harness.advance(by: .seconds(19))
        #expect(harness.calls("StartTransaction").count == 2)
        harness.advance(by: .seconds(1))
        #expect(harness.calls("StartTransaction").count == 3)
        harness.respondError("InternalError")  // attempt 3 failed: given up
        harness.advance(by: .seconds(120))
        #expect(harness.calls("StartTransaction").count == 3)
        #expect(harness.engine.transactions[1]?.transactionId == -1)
        _ = harness.command(.stop(connector: 1, reason: .local))
        #expect(harness.outstanding?["transactionId"] == .integer(-1))
    }

    @Test func timeoutWhileConnectedCountsAsAFailedAttempt() {
        var harness = Harness(overrides: [("MessageTimeout", "5"), ("TransactionMessageRetryInterval", "0")])
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.respond("{}")
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        harness.advance(by: .seconds(5))
        #expect(harness.engine.transactionQueue.head?.failedAttempts == 1)
        #expect(harness.persisted.contains { if case .updateQueued(let message) = $0 { message.failedAttempts == 1 } else { false } })
    }

    @Test func lostLinkIsNotAFailedAttemptAndTheMessageIsResent() {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.respond("{}")
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        harness.handle(.linkDown(reason: "gone"))
        #expect(harness.engine.transactionQueue.head?.failedAttempts == 0)
        harness.handle(.linkUp)
        #expect(harness.outstanding?["status"] == .string("Charging"))
        harness.respond("{}")
        #expect(harness.outstanding?.action == "StartTransaction")
        #expect(harness.calls("StartTransaction").count == 2)
    }

    @Test func authorizeOvertakesTheOfflineBacklogButNotTheLiveSession() {
        var harness = Harness(overrides: [("AllowOfflineTxForUnknownId", "true"), ("MeterValueSampleInterval", "10")])
        harness.bootAccepted()
        harness.handle(.linkDown(reason: "gone"))
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.advance(by: .seconds(30))
        harness.handle(.linkUp)
        harness.respond("{}")  // status of connector 1
        #expect(harness.outstanding?.action == "StartTransaction")
        let authorize = harness.command(.authorize("B"))
        harness.respond(#"{"idTagInfo":{"status":"Accepted"},"transactionId":5}"#)
        #expect(harness.outstanding?.action == "Authorize")
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        #expect(harness.reply(authorize) != nil)
        #expect(harness.outstanding?.action == "MeterValues")
    }

    @Test func onlyOneCallIsOutstandingAtATime() {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.authorize("A"))
        _ = harness.command(.authorize("B"))
        _ = harness.command(.plug(connector: 2))
        #expect(harness.calls("Authorize").count == 1)
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        #expect(harness.calls("Authorize").count == 2)
    }

    @Test func apiStartAnswersPendingWhenTheLinkDropsBeforeConfirmation() {
        var harness = Harness()
        harness.bootAccepted()
        let reply = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.respond("{}")
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        #expect(harness.reply(reply) == nil)
        harness.handle(.linkDown(reason: "gone"))
        guard case .transaction(let snapshot)? = harness.reply(reply) else {
            Issue.record("no answer")
            return
        }
        #expect(snapshot.pendingDelivery)
        #expect(snapshot.record.transactionId == nil)
    }

    @Test func authorizeWithoutLinkOrRegistrationFailsAtOnce() {
        var harness = Harness()
        let offline = harness.command(.authorize("A"))
        #expect(harness.reply(offline) == .failed(.offline))
        harness.handle(.linkUp)
        let unregistered = harness.command(.authorize("A"))
        #expect(harness.reply(unregistered) == .failed(.notRegistered(nil)))
    }

    @Test func authorizeAnswersWhatTheCentralSystemSaid() {
        var harness = Harness()
        harness.bootAccepted()
        let accepted = harness.command(.authorize("A"))
        harness.respond(#"{"idTagInfo":{"status":"Accepted","parentIdTag":"P"}}"#)
        #expect(harness.reply(accepted) == .authorization(idTag: "A", IdTagInfo(status: .accepted, parentIdTag: "P"), source: .centralSystem))
        let failing = harness.command(.authorize("B"))
        harness.respondError("GenericError")
        #expect(harness.reply(failing) == .failed(.centralSystemError(code: "GenericError", description: "nope")))
    }
}
