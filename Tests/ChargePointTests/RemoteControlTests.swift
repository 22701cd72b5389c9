import OCPP16
import Testing

@testable import ChargePoint

@Suite struct RemoteControlTests {
    @Test func remoteStartWithCableInStartsAtOnce() throws {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.plug(connector: 2))
        harness.acknowledgeAll()
        harness.csmsCall("r1", "RemoteStartTransaction", #"{"idTag":"TAG1"}"#)
        #expect(harness.result(answering: "r1") == .object(["status": .string("Accepted")]))
        // The answer leaves before the StartTransaction it caused.
        let frames = harness.sentFrames
        let answerIndex = try #require(frames.firstIndex { $0 == harness.answer(to: "r1") })
        #expect(harness.outstanding?.action == "StartTransaction")
        #expect(harness.outstanding?["connectorId"] == .integer(2))
        #expect(answerIndex < frames.count - 1)
    }

    @Test func remoteStartWaitsForTheCableUntilConnectionTimeOut() {
        var harness = Harness(overrides: [("ConnectionTimeOut", "30")])
        harness.bootAccepted()
        harness.csmsCall("r1", "RemoteStartTransaction", #"{"connectorId":1,"idTag":"TAG1"}"#)
        harness.acknowledgeAll()
        #expect(harness.status(of: 1) == .preparing)
        harness.advance(by: .seconds(30))
        harness.acknowledgeAll()
        #expect(harness.status(of: 1) == .available)
        #expect(harness.calls("StartTransaction").isEmpty)

        harness.csmsCall("r2", "RemoteStartTransaction", #"{"connectorId":1,"idTag":"TAG1"}"#)
        harness.advance(by: .seconds(5))
        _ = harness.command(.plug(connector: 1))
        harness.acknowledgeAll()
        #expect(harness.calls("StartTransaction").count == 1)
        #expect(harness.calls("StartTransaction").first?["idTag"] == .string("TAG1"))
    }

    @Test func remoteStartIsRejectedOnABusyOrUnknownConnector() {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.csmsCall("r1", "RemoteStartTransaction", #"{"connectorId":1,"idTag":"TAG2"}"#)
        harness.csmsCall("r2", "RemoteStartTransaction", #"{"connectorId":3,"idTag":"TAG2"}"#)
        harness.csmsCall("r3", "RemoteStartTransaction", #"{"connectorId":0,"idTag":"TAG2"}"#)
        for id in ["r1", "r2", "r3"] {
            #expect(harness.result(answering: id)?["status"] == .string("Rejected"))
        }
    }

    @Test func remoteStartWithoutConnectorPicksTheOneWithACable() {
        var harness = Harness(connectors: 3)
        harness.bootAccepted()
        _ = harness.command(.plug(connector: 3))
        harness.acknowledgeAll()
        harness.csmsCall("r1", "RemoteStartTransaction", #"{"idTag":"TAG1"}"#)
        harness.acknowledgeAll()
        #expect(harness.calls("StartTransaction").first?["connectorId"] == .integer(3))
    }

    @Test func authorizeRemoteTxRequestsAuthorizesFirst() {
        var harness = Harness(overrides: [("AuthorizeRemoteTxRequests", "true")])
        harness.bootAccepted()
        _ = harness.command(.plug(connector: 1))
        harness.acknowledgeAll()
        harness.csmsCall("r1", "RemoteStartTransaction", #"{"idTag":"TAG1"}"#)
        #expect(harness.outstanding?.action == "Authorize")
        harness.respond(#"{"idTagInfo":{"status":"Invalid"}}"#)
        harness.acknowledgeAll()
        #expect(harness.calls("StartTransaction").isEmpty)
        #expect(harness.status(of: 1) == .preparing)
    }

    @Test func remoteStopStopsWithReasonRemote() throws {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.nextTransactionId = 77
        harness.acknowledgeAll()
        harness.csmsCall("s1", "RemoteStopTransaction", #"{"transactionId":78}"#)
        #expect(harness.result(answering: "s1")?["status"] == .string("Rejected"))
        harness.csmsCall("s2", "RemoteStopTransaction", #"{"transactionId":77}"#)
        #expect(harness.result(answering: "s2")?["status"] == .string("Accepted"))
        let stop = try #require(harness.outstanding)
        #expect(stop.action == "StopTransaction")
        #expect(stop["reason"] == .string("Remote"))
        #expect(stop["idTag"] == nil)
    }
}
