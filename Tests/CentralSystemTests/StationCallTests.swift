import OCPP16
import Testing

@testable import CentralSystem

/// What charge points send: the answers, the ids, the tag decisions and the CALLERRORs.
@Suite struct StationCallTests {
    static let boot = #"{"chargePointVendor":"Acme","chargePointModel":"X1"}"#

    @Test(arguments: [RegistrationStatus.accepted, .pending, .rejected])
    func bootNotificationGetsTheConfiguredStatusIntervalAndUTCTime(status: RegistrationStatus) throws {
        var harness = Harness(CentralSystemSettings(bootStatus: status, heartbeatInterval: 45))
        harness.connect("CP1", connection: 1)
        let answer = harness.result("BootNotification", Self.boot)
        let payload = try #require(answer)
        #expect(payload == .object([
            "status": .string(status.rawValue), "interval": .integer(45), "currentTime": .string("2026-01-01T00:00:00.000Z"),
        ]))
        #expect(harness.engine.stations.map(\.registration) == [status])
    }

    @Test func heartbeatAnswersTheCurrentTimeInUTC() throws {
        var harness = Harness()
        harness.connect("CP1", connection: 1)
        harness.advance(by: .seconds(61))
        let answer = harness.result("Heartbeat", "{}")
        let payload = try #require(answer)
        #expect(payload == .object(["currentTime": .string("2026-01-01T00:01:01.000Z")]))
    }

    /// The security extension's notifications are taken; a certificate request is refused, since there
    /// is no CA here to sign it.
    @Test func securityMessagesAreAnsweredAndNoCertificateIsPromised() {
        var harness = Harness()
        harness.connect("CP1", connection: 1)
        let event = #"{"type":"StartupOfTheDevice","timestamp":"2026-01-01T00:00:00Z"}"#
        #expect(harness.result("SecurityEventNotification", event) == .object([:]))
        #expect(harness.result("LogStatusNotification", #"{"status":"Idle"}"#) == .object([:]))
        #expect(harness.result("SignedFirmwareStatusNotification", #"{"status":"Idle"}"#) == .object([:]))
        let csr = #"{"csr":"-----BEGIN CERTIFICATE REQUEST-----"}"#
        #expect(harness.result("SignCertificate", csr) == .object(["status": .string("Rejected")]))
    }

    @Test func transactionIdsCountUpFromOneAcrossStationsAndStopsEndThem() {
        var harness = Harness()
        harness.connect("CP1", connection: 1)
        harness.connect("CP2", connection: 2)
        let start = #"{"connectorId":1,"idTag":"TAG1","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}"#
        let ids = [(1, "a"), (2, "b"), (1, "c")].map { connection, id in
            harness.result("StartTransaction", start, id: id, on: UInt64(connection))?["transactionId"]
        }
        #expect(ids == [.integer(1), .integer(2), .integer(3)])
        #expect(harness.engine.stations.map(\.transactions) == [[1, 3], [2]])

        let stop = #"{"meterStop":10,"timestamp":"2026-01-01T00:10:00Z","transactionId":1,"idTag":"TAG1","reason":"Local"}"#
        #expect(harness.result("StopTransaction", stop) == .object(["idTagInfo": .object(["status": .string("Accepted")])]))
        let stopWithoutTag = #"{"meterStop":10,"timestamp":"2026-01-01T00:10:00Z","transactionId":2}"#
        #expect(harness.result("StopTransaction", stopWithoutTag, on: 2) == .object([:]))
        #expect(harness.engine.stations.map(\.transactions) == [[3], []])
    }

    @Test func registrationAndTransactionsOutliveAReconnect() throws {
        var harness = Harness()
        harness.connect("CP1", connection: 1)
        _ = harness.result("BootNotification", Self.boot)
        _ = harness.result("StartTransaction", #"{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}"#)
        #expect(harness.handle(.disconnected(connection: 1, reason: "gone")).isEmpty)
        #expect(harness.engine.stations.isEmpty)
        harness.connect("CP1", connection: 2)
        let station = try #require(harness.engine.stations.first)
        #expect(station.registration == .accepted && station.transactions == [1])
        #expect(station.connectedSince == harness.now.wallClock)
        #expect(harness.handle(.received(connection: 1, text: #"[2,"x","Heartbeat",{}]"#)).isEmpty, "the old link is gone")
    }

    @Test func tagListsAreCaseInsensitiveAndStarAcceptsAll() {
        let policy = TagPolicy(items: [" TAG1 ", "", "# a comment", "tag2"])
        #expect(policy == .accept(["tag1", "tag2"]))
        #expect(policy.status(of: "tag1") == .accepted)
        #expect(policy.status(of: "Tag2") == .accepted)
        #expect(policy.status(of: "TAG3") == .invalid)
        #expect(TagPolicy(items: ["TAG1", "*"]) == .acceptAll)
        #expect(TagPolicy.acceptAll.status(of: "ANYTHING") == .accepted)
        #expect(TagPolicy(items: [String]()).status(of: "TAG1") == .invalid)
        #expect(CentralSystemSettings.commaSeparated(" A, B ,,C ") == ["A", "B", "C"])
    }

    @Test func authorizeAndStartTransactionFollowTheTagList() {
        var harness = Harness(CentralSystemSettings(tags: TagPolicy(items: ["TAG1"])))
        harness.connect("CP1", connection: 1)
        #expect(harness.result("Authorize", #"{"idTag":"tag1"}"#) == .object(["idTagInfo": .object(["status": .string("Accepted")])]))
        #expect(harness.result("Authorize", #"{"idTag":"NOPE"}"#) == .object(["idTagInfo": .object(["status": .string("Invalid")])]))
        let refused = harness.result(
            "StartTransaction", #"{"connectorId":1,"idTag":"NOPE","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}"#)
        #expect(refused == .object(["idTagInfo": .object(["status": .string("Invalid")]), "transactionId": .integer(1)]))
    }

    @Test func plainNotificationsAreAcknowledgedWithAnEmptyObject() {
        var harness = Harness()
        harness.connect("CP1", connection: 1)
        let status = #"{"connectorId":0,"errorCode":"NoError","status":"Available","timestamp":"2026-01-01T00:00:00Z"}"#
        #expect(harness.result("StatusNotification", status) == .object([:]))
        let meter = #"{"connectorId":1,"transactionId":1,"meterValue":[{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{"value":"12.5"}]}]}"#
        #expect(harness.result("MeterValues", meter) == .object([:]))
        #expect(harness.result("DiagnosticsStatusNotification", #"{"status":"Uploaded"}"#) == .object([:]))
        #expect(harness.result("FirmwareStatusNotification", #"{"status":"Installed"}"#) == .object([:]))
        #expect(harness.result("DataTransfer", #"{"vendorId":"com.acme","messageId":"x","data":"y"}"#)
            == .object(["status": .string("UnknownVendorId")]))
    }

    @Test func invalidCallsGetTheCallErrorTheChargePointWouldSend() {
        var harness = Harness()
        harness.connect("CP1", connection: 1)
        #expect(harness.errorCode("Frobnicate", "{}") == "NotImplemented")
        #expect(harness.errorCode("Reset", #"{"type":"Soft"}"#) == "NotSupported")
        #expect(harness.errorCode("BootNotification", #"{"chargePointVendor":"Acme"}"#) == "ProtocolError")
        #expect(harness.errorCode("Heartbeat", #"{"extra":1}"#) == "FormationViolation")
        #expect(harness.errorCode("Authorize", #"{"idTag":12}"#) == "TypeConstraintViolation")
        #expect(harness.errorCode("Authorize", #"{"idTag":"123456789012345678901"}"#) == "TypeConstraintViolation")
        #expect(harness.errorCode("FirmwareStatusNotification", #"{"status":"Exploded"}"#) == "PropertyConstraintViolation")
        #expect(harness.errorCode("StartTransaction", #"{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"yesterday"}"#)
            == "PropertyConstraintViolation")
        #expect(harness.errorCode("MeterValues", #"{"connectorId":1.5,"meterValue":[]}"#) == "TypeConstraintViolation")

        let broken = harness.handle(.received(connection: 1, text: #"[2,"abc","Heartbeat",{"#))
        guard case .send(1, let text)? = broken.first, case .frame(.callError("abc", "FormationViolation", _, _)) = RPCCodec.decode(text.utf8)
        else {
            Issue.record("expected a FormationViolation for id abc, got \(broken)")
            return
        }
        #expect(harness.handle(.received(connection: 1, text: #"[7,"x"]"#)).isEmpty, "unknown message types are dropped")
        #expect(harness.handle(.received(connection: 9, text: #"[2,"x","Heartbeat",{}]"#)).isEmpty, "unknown connection")
    }

    @Test func identitiesAreAdmittedByTheList() {
        #expect(CentralSystemSettings().admits(identity: "anyone"))
        let settings = CentralSystemSettings(identities: ["CP1"])
        #expect(settings.admits(identity: "CP1"))
        #expect(!settings.admits(identity: "CP2"))
    }
}
