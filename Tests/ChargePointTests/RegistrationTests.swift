import OCPP16
import Testing

@testable import ChargePoint

@Suite struct RegistrationTests {
    @Test func bootNotificationIsTheFirstAndOnlyCallUntilAnswered() {
        var harness = Harness()
        harness.handle(.linkUp)
        #expect(harness.sentCalls.map(\.action) == ["BootNotification"])
        #expect(harness.lastCall?["chargePointVendor"] == .string("Vendor"))
        #expect(harness.lastCall?["chargePointModel"] == .string("Model"))
        _ = harness.command(.plug(connector: 1))
        harness.advance(by: .seconds(10))
        #expect(harness.sentCalls.map(\.action) == ["BootNotification"])
    }

    @Test func acceptedBootReportsConnectorZeroThenEveryConnector() {
        var harness = Harness(connectors: 2)
        harness.handle(.linkUp)
        harness.respond(#"{"status":"Accepted","currentTime":"2027-01-15T08:00:00.123Z","interval":120}"#)
        var reported: [Int] = []
        while let call = harness.outstanding, call.action == "StatusNotification" {
            #expect(call["status"] == .string("Available"))
            #expect(call["errorCode"] == .string("NoError"))
            reported.append(call["connectorId"]!.intValue!)
            harness.respond("{}")
        }
        #expect(reported == [0, 1, 2])
        // The security event of this start was queued before the link came up: the statuses overtake it.
        #expect(harness.outstanding?.action == "SecurityEventNotification")
        #expect(harness.outstanding?["type"] == .string("StartupOfTheDevice"))
        #expect(harness.engine.configuration.integer(.heartbeatInterval) == 120)
        #expect(harness.persisted.contains(.saveConfiguration(key: "HeartbeatInterval", value: "120")))
    }

    @Test func pendingBootIsRepeatedAfterTheIntervalAndNothingElseIsSent() {
        var harness = Harness()
        harness.handle(.linkUp)
        harness.respond(#"{"status":"Pending","currentTime":"2027-01-15T08:00:00Z","interval":5}"#)
        harness.advance(by: .milliseconds(4900))
        #expect(harness.sentCalls.map(\.action) == ["BootNotification"])
        harness.advance(by: .milliseconds(200))
        #expect(harness.sentCalls.map(\.action) == ["BootNotification", "BootNotification"])
    }

    @Test func pendingRegistrationStillAnswersConfigurationRequests() {
        var harness = Harness()
        harness.handle(.linkUp)
        harness.respond(#"{"status":"Pending","currentTime":"2027-01-15T08:00:00Z","interval":60}"#)
        harness.csmsCall("g1", "GetConfiguration", #"{"key":["HeartbeatInterval"]}"#)
        #expect(harness.result(answering: "g1")?["configurationKey"] != nil)
        harness.csmsCall("r1", "RemoteStartTransaction", #"{"idTag":"TAG"}"#)
        #expect(harness.result(answering: "r1")?["status"] == .string("Rejected"))
    }

    @Test func rejectedRegistrationSendsNothingUntilTheIntervalPassed() {
        var harness = Harness()
        harness.handle(.linkUp)
        harness.respond(#"{"status":"Rejected","currentTime":"2027-01-15T08:00:00Z","interval":30}"#)
        harness.csmsCall("x1", "GetConfiguration", "{}")
        harness.handle(.received("not json"))
        #expect(harness.answer(to: "x1") == nil)
        #expect(harness.sentFrames.count == 1)
        harness.advance(by: .seconds(29))
        #expect(harness.sentFrames.count == 1)
        harness.advance(by: .seconds(1))
        #expect(harness.sentCalls.map(\.action) == ["BootNotification", "BootNotification"])
    }

    @Test func zeroIntervalFallsBackToOwnBootBackoff() {
        var harness = Harness()
        harness.handle(.linkUp)
        harness.respond(#"{"status":"Pending","currentTime":"2027-01-15T08:00:00Z","interval":0}"#)
        harness.advance(by: ChargePointEngine.bootRetryFallback - .seconds(1))
        #expect(harness.calls("BootNotification").count == 1)
        harness.advance(by: .seconds(1))
        #expect(harness.calls("BootNotification").count == 2)
    }

    @Test func bootInterruptedByLinkLossIsSentAgainOnReconnect() {
        var harness = Harness()
        harness.handle(.linkUp)
        harness.handle(.linkDown(reason: "gone"))
        harness.handle(.linkUp)
        #expect(harness.calls("BootNotification").count == 2)
        #expect(harness.outstanding?.action == "BootNotification")
    }

    @Test func plainReconnectSendsNoBootButReportsChangedStatuses() {
        var harness = Harness()
        harness.bootAccepted()
        harness.handle(.linkDown(reason: "gone"))
        _ = harness.command(.plug(connector: 2))
        let before = harness.sentCalls.count
        harness.handle(.linkUp)
        let after = Array(harness.sentCalls.dropFirst(before))
        #expect(after.map(\.action) == ["StatusNotification"])
        #expect(after.first?["connectorId"] == .integer(2))
        #expect(after.first?["status"] == .string("Preparing"))
    }

    @Test func heartbeatFollowsTheIntervalAfterTheLastCall() {
        var harness = Harness()
        harness.bootAccepted(interval: 60)
        let quiet = harness.sentCalls.count
        harness.advance(by: .seconds(59))
        #expect(harness.sentCalls.count == quiet)
        harness.advance(by: .seconds(1))
        #expect(harness.lastCall?.action == "Heartbeat")
        #expect(harness.lastCall?.payload == .object([:]))
        harness.respond(#"{"currentTime":"2027-01-15T08:01:00Z"}"#)
        harness.advance(by: .seconds(60))
        #expect(harness.calls("Heartbeat").count == 2)
    }

    @Test func changedHeartbeatIntervalAppliesAtOnce() {
        var harness = Harness()
        harness.bootAccepted(interval: 600)
        harness.csmsCall("c1", "ChangeConfiguration", #"{"key":"HeartbeatInterval","value":"10"}"#)
        #expect(harness.result(answering: "c1")?["status"] == .string("Accepted"))
        harness.advance(by: .seconds(10))
        #expect(harness.calls("Heartbeat").count == 1)
    }

    @Test func noDeadlineIsReportedWhileNothingCanHappen() {
        var harness = Harness()
        harness.handle(.linkUp)
        harness.respond(#"{"status":"Pending","currentTime":"2027-01-15T08:00:00Z","interval":5}"#)
        harness.handle(.linkDown(reason: "gone"))
        harness.advance(by: .seconds(6))
        // The boot retry is due but needs the link: nothing to wake up for until the link returns.
        #expect(harness.engine.nextDeadline == nil)
    }
}
