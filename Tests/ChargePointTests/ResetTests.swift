import OCPP16
import Testing

@testable import ChargePoint

@Suite struct ResetTests {
    @Test func softResetAnswersStopsGracefullyThenReboots() throws {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        let produced = harness.handle(.received(#"[2,"r1","Reset",{"type":"Soft"}]"#))
        #expect(harness.result(answering: "r1") == .object(["status": .string("Accepted")]))
        #expect(!produced.contains(.restart))
        let stop = try #require(harness.outstanding)
        #expect(stop.action == "StopTransaction")
        #expect(stop["reason"] == .string("SoftReset"))
        let afterStop = harness.handle(.received("[3,\"\(stop.messageId)\",{}]"))
        #expect(!afterStop.contains(.restart), "the status that follows goes out first")
        #expect(harness.outstanding?["status"] == .string("Finishing"))
        harness.respond("{}")
        #expect(!harness.effects.contains(.restart), "the security event of the reset goes out before it")
        #expect(harness.outstanding?.action == "SecurityEventNotification")
        #expect(harness.outstanding?["type"] == .string("ResetOrReboot"))
        harness.respond("{}")
        #expect(harness.effects.last == .restart)
    }

    @Test func softResetRebootsAfterMessageTimeoutEvenWithoutAnAnswer() {
        var harness = Harness(overrides: [("MessageTimeout", "10"), ("TransactionMessageRetryInterval", "60")])
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.csmsCall("r1", "Reset", #"{"type":"Soft"}"#)
        harness.advance(by: .seconds(9))
        #expect(!harness.effects.contains(.restart))
        harness.advance(by: .seconds(1))
        #expect(harness.effects.contains(.restart))
    }

    @Test func hardResetRebootsAtOnceWithTheStopQueuedForAfterTheBoot() throws {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        let sentBefore = harness.sentCalls.count
        let produced = harness.handle(.received(#"[2,"r1","Reset",{"type":"Hard"}]"#))
        #expect(produced.last == .restart)
        #expect(harness.result(answering: "r1")?["status"] == .string("Accepted"))
        #expect(harness.sentCalls.count == sentBefore, "nothing but the answer goes out before the reboot")
        let queuedStop = harness.persisted.compactMap { change -> QueuedMessage? in
            if case .enqueue(let message) = change, message.message.action == .stopTransaction { return message }
            return nil
        }
        guard case .stop(_, _, _, let reason, _)? = queuedStop.first?.message else {
            Issue.record("no StopTransaction queued")
            return
        }
        #expect(reason == .hardReset)
        let answerIndex = try #require(produced.firstIndex { if case .send = $0 { true } else { false } })
        let persistIndex = try #require(produced.firstIndex { if case .persist = $0 { true } else { false } })
        #expect(persistIndex < answerIndex)
    }

    @Test func resetFromTheAPIWorksTheSameWay() {
        var harness = Harness()
        harness.bootAccepted()
        let reply = harness.command(.reset(.hard))
        #expect(harness.reply(reply) == .resetAccepted)
        #expect(harness.effects.last == .restart)
    }
}
