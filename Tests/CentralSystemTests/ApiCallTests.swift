import OCPP16
import Testing

@testable import CentralSystem

/// CALLs asked for through the API: correlation by message id, one in flight per station, timeouts.
@Suite struct ApiCallTests {
    let start = JSONValue.object(["idTag": .string("TAG1")])

    @Test func aCallGoesOutAndItsResultComesBackToTheCaller() throws {
        var harness = Harness()
        harness.connect("CP1", connection: 7)
        let sent = sentCalls(harness.handle(.call(CallTicket(1), identity: "CP1", action: "RemoteStartTransaction", payload: start)))
        let call = try #require(sent.first)
        #expect(sent.count == 1 && call.connection == 7 && call.action == "RemoteStartTransaction" && call.payload == start)
        #expect(harness.engine.nextDeadline == harness.now.uptime + .seconds(30))

        let answer = harness.handle(.received(connection: 7, text: #"[3,"\#(call.id)",{"status":"Accepted"}]"#))
        #expect(answer == [.reply(CallTicket(1), .result(.object(["status": .string("Accepted")])))])
        #expect(harness.engine.nextDeadline == nil)
    }

    @Test func aCallErrorIsHandedBackWithItsCodeDescriptionAndDetails() throws {
        var harness = Harness()
        harness.connect("CP1", connection: 1)
        let call = try #require(sentCalls(harness.handle(.call(CallTicket(5), identity: "CP1", action: "Reset", payload: .object([:])))).first)
        let answer = harness.handle(.received(connection: 1, text: #"[4,"\#(call.id)","FormationViolation","type missing",{"at":"type"}]"#))
        #expect(answer == [.reply(CallTicket(5), .callError(
            code: "FormationViolation", description: "type missing", details: .object(["at": .string("type")])))])
    }

    @Test func callsQueueBehindTheOneInFlightAndLeaveInOrder() throws {
        var harness = Harness()
        harness.connect("CP1", connection: 1)
        let first = try #require(sentCalls(harness.handle(.call(CallTicket(1), identity: "CP1", action: "A", payload: .object([:])))).first)
        #expect(harness.handle(.call(CallTicket(2), identity: "CP1", action: "B", payload: .object([:]))).isEmpty)
        #expect(harness.handle(.call(CallTicket(3), identity: "CP1", action: "C", payload: .object([:]))).isEmpty)

        // Calls cross: the station's own CALL is answered while ours waits.
        #expect(harness.result("Heartbeat", "{}") != nil)
        let afterFirst = harness.handle(.received(connection: 1, text: #"[3,"\#(first.id)",{}]"#))
        #expect(replies(afterFirst) == [CallTicket(1): .result(.object([:]))])
        let second = try #require(sentCalls(afterFirst).first)
        #expect(second.action == "B" && second.id != first.id)
        #expect(harness.handle(.received(connection: 1, text: #"[3,"\#(first.id)",{}]"#)).isEmpty, "a repeated answer is dropped")
        let afterSecond = harness.handle(.received(connection: 1, text: #"[3,"\#(second.id)",{}]"#))
        #expect(sentCalls(afterSecond).map(\.action) == ["C"])
    }

    @Test func anUnansweredCallTimesOutOnTheFakeClockAndTheNextOneGoes() throws {
        var harness = Harness(CentralSystemSettings(callTimeout: .seconds(30)))
        harness.connect("CP1", connection: 1)
        let first = try #require(sentCalls(harness.handle(.call(CallTicket(1), identity: "CP1", action: "A", payload: .object([:])))).first)
        harness.advance(by: .seconds(10))
        #expect(harness.handle(.call(CallTicket(2), identity: "CP1", action: "B", payload: .object([:]))).isEmpty)
        let deadline = try #require(harness.engine.nextDeadline)
        #expect(deadline == harness.now.uptime + .seconds(20))

        harness.advance(by: .seconds(19))
        #expect(harness.handle(.tick).isEmpty, "not yet")
        harness.advance(by: .seconds(1))
        let expired = harness.handle(.tick)
        #expect(replies(expired) == [CallTicket(1): .timedOut(after: .seconds(30))])
        let second = try #require(sentCalls(expired).first)
        #expect(second.action == "B")
        #expect(harness.engine.nextDeadline == harness.now.uptime + .seconds(30), "the next call's timeout starts when it is sent")
        #expect(harness.handle(.received(connection: 1, text: #"[3,"\#(first.id)",{}]"#)).isEmpty, "a late answer is dropped")
    }

    @Test func callsToAbsentOrVanishingStationsFail() throws {
        var harness = Harness(CentralSystemSettings(maximumQueuedCalls: 1))
        #expect(harness.handle(.call(CallTicket(1), identity: "CP1", action: "A", payload: .object([:])))
            == [.reply(CallTicket(1), .notConnected)])
        harness.connect("CP1", connection: 1)
        #expect(sentCalls(harness.handle(.call(CallTicket(2), identity: "cp1", action: "A", payload: .object([:])))).isEmpty,
                "identities are exact")
        _ = harness.handle(.call(CallTicket(3), identity: "CP1", action: "A", payload: .object([:])))
        _ = harness.handle(.call(CallTicket(4), identity: "CP1", action: "B", payload: .object([:])))
        #expect(harness.handle(.call(CallTicket(5), identity: "CP1", action: "C", payload: .object([:])))
            == [.reply(CallTicket(5), .queueFull(limit: 1))])
        let gone = harness.handle(.disconnected(connection: 1, reason: "bye"))
        #expect(replies(gone) == [CallTicket(3): .connectionLost, CallTicket(4): .notConnected])
        #expect(harness.engine.nextDeadline == nil)
    }

    @Test func theCallFrameCarriesTheActionAndPayloadVerbatim() throws {
        var harness = Harness()
        harness.connect("CP1", connection: 1)
        let payload = JSONValue.parsed(#"{"connectorId":1,"idTag":"T\"1","chargingProfile":{"stackLevel":0}}"#)
        let effects = harness.handle(.call(CallTicket(1), identity: "CP1", action: "RemoteStartTransaction", payload: payload))
        guard case .send(1, let text)? = effects.first else {
            Issue.record("no frame: \(effects)")
            return
        }
        #expect(text == #"[2,"1","RemoteStartTransaction",{"chargingProfile":{"stackLevel":0},"connectorId":1,"idTag":"T\"1"}]"#)
    }
}
