import OCPP16
import Testing

@testable import ChargePoint

@Suite struct TriggerTests {
    @Test func answerComesBeforeTheTriggeredMessage() throws {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("t1", "TriggerMessage", #"{"requestedMessage":"Heartbeat"}"#)
        let frames = harness.sentFrames
        let answer = try #require(frames.firstIndex { $0 == harness.answer(to: "t1") })
        #expect(harness.result(answering: "t1")?["status"] == .string("Accepted"))
        #expect(harness.outstanding?.action == "Heartbeat")
        #expect(answer == frames.count - 2)
    }

    @Test func statusNotificationWithoutConnectorCoversConnectorZeroAndAll() {
        var harness = Harness(connectors: 2)
        harness.bootAccepted()
        harness.csmsCall("t1", "TriggerMessage", #"{"requestedMessage":"StatusNotification"}"#)
        var ids: [JSONValue] = []
        while let call = harness.outstanding {
            ids.append(call["connectorId"]!)
            harness.respond("{}")
        }
        #expect(ids == [.integer(0), .integer(1), .integer(2)])
        harness.csmsCall("t2", "TriggerMessage", #"{"requestedMessage":"StatusNotification","connectorId":2}"#)
        #expect(harness.outstanding?["connectorId"] == .integer(2))
    }

    @Test func meterValuesCarryContextTriggerAndTheTransaction() throws {
        var harness = Harness()
        harness.bootAccepted()
        harness.nextTransactionId = 12
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.csmsCall("t1", "TriggerMessage", #"{"requestedMessage":"MeterValues","connectorId":1}"#)
        let call = try #require(harness.outstanding)
        #expect(call.action == "MeterValues")
        #expect(call["transactionId"] == .integer(12))
        guard case .array(let values)? = call["meterValue"], case .array(let sampled)? = values.first?["sampledValue"] else {
            Issue.record("no sampled values")
            return
        }
        #expect(sampled.allSatisfy { $0["context"] == .string("Trigger") })
    }

    @Test func unknownConnectorIsRejectedAndBootOnlyBeforeAccepted() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("t1", "TriggerMessage", #"{"requestedMessage":"MeterValues","connectorId":5}"#)
        #expect(harness.result(answering: "t1")?["status"] == .string("Rejected"))
        harness.csmsCall("t2", "TriggerMessage", #"{"requestedMessage":"BootNotification"}"#)
        #expect(harness.result(answering: "t2")?["status"] == .string("Rejected"))
        harness.csmsCall("t3", "TriggerMessage", #"{"requestedMessage":"FirmwareStatusNotification"}"#)
        #expect(harness.outstanding?["status"] == .string("Idle"))
    }

    @Test func whilePendingTriggeredMessagesAreTheOnlyOnesSent() {
        var harness = Harness()
        harness.handle(.linkUp)
        harness.respond(#"{"status":"Pending","currentTime":"2027-01-15T08:00:00Z","interval":60}"#)
        _ = harness.command(.plug(connector: 1))
        harness.csmsCall("t1", "TriggerMessage", #"{"requestedMessage":"StatusNotification","connectorId":1}"#)
        #expect(harness.outstanding?.action == "StatusNotification")
        harness.respond("{}")
        harness.csmsCall("t2", "TriggerMessage", #"{"requestedMessage":"BootNotification"}"#)
        #expect(harness.result(answering: "t2")?["status"] == .string("Accepted"))
        #expect(harness.outstanding?.action == "BootNotification")
        #expect(harness.calls("BootNotification").count == 2)
    }
}
