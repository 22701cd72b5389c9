import OCPP201
import Testing

@testable import CentralSystem

/// What 2.0.1 stations send: the answers, the tag decisions and the CALLERRORs in the 2.0.1 spellings, and
/// that the version is the connection's, so a 1.6 station beside it is still answered in 1.6.
@Suite struct Station201CallTests {
    static let boot = #"{"chargingStation":{"model":"X1","vendorName":"Acme"},"reason":"PowerUp"}"#
    static let time = "2026-01-01T00:00:00Z"

    @Test(arguments: [RegistrationStatus.accepted, .pending, .rejected])
    func bootNotificationGetsTheConfiguredStatusIntervalAndUTCTime(status: RegistrationStatus) throws {
        var harness = Harness(CentralSystemSettings(bootStatus: .init(rawValue: status.rawValue)!, heartbeatInterval: 45))
        harness.connect("CS1", connection: 1, version: .v201)
        let answer = harness.result("BootNotification", Self.boot)
        let payload = try #require(answer)
        #expect(payload == .object([
            "status": .string(status.rawValue), "interval": .integer(45), "currentTime": .string("2026-01-01T00:00:00.000Z"),
        ]))
        let station = try #require(harness.engine.stations.first)
        #expect(station.registration?.rawValue == status.rawValue && station.ocppVersion == .v201)
    }

    @Test func reportsAreTakenAndHeartbeatAnswersTheTime() {
        var harness = Harness()
        harness.connect("CS1", connection: 1, version: .v201)
        harness.advance(by: .seconds(61))
        #expect(harness.result("Heartbeat", "{}") == .object(["currentTime": .string("2026-01-01T00:01:01.000Z")]))
        let reports: [(String, String)] = [
            ("StatusNotification", #"{"timestamp":"\#(Self.time)","connectorStatus":"Available","evseId":1,"connectorId":1}"#),
            ("NotifyReport", #"{"requestId":7,"generatedAt":"\#(Self.time)","seqNo":0,"tbc":false}"#),
            ("MeterValues", #"{"evseId":1,"meterValue":[{"timestamp":"\#(Self.time)","sampledValue":[{"value":1500.5}]}]}"#),
            ("SecurityEventNotification", #"{"type":"StartupOfTheDevice","timestamp":"\#(Self.time)"}"#),
        ]
        for (action, payload) in reports {
            #expect(harness.result(action, payload) == .object([:]), "\(action)")
        }
    }

    @Test func tokensAreDecidedByTheTagPolicyInAuthorizeAndTransactionEvent() {
        var harness = Harness(CentralSystemSettings(tags: TagPolicy(items: ["TAG1"])))
        harness.connect("CS1", connection: 1, version: .v201)
        func token(_ text: String) -> String { #"{"idToken":"\#(text)","type":"ISO14443"}"# }
        let accepted = JSONValue.object(["idTokenInfo": .object(["status": .string("Accepted")])])
        let invalid = JSONValue.object(["idTokenInfo": .object(["status": .string("Invalid")])])
        #expect(harness.result("Authorize", #"{"idToken":\#(token("tag1"))}"#) == accepted)
        #expect(harness.result("Authorize", #"{"idToken":\#(token("NOPE"))}"#) == invalid)

        let event = #"{"eventType":"Started","timestamp":"\#(Self.time)","triggerReason":"Authorized","seqNo":0,"transactionInfo":{"transactionId":"tx-1"},"evse":{"id":1,"connectorId":1}"#
        #expect(harness.result("TransactionEvent", event + "}") == .object([:]), "no idToken, no idTokenInfo")
        #expect(harness.result("TransactionEvent", event + #","idToken":\#(token("TAG1"))}"#) == accepted)
        #expect(harness.result("TransactionEvent", event + #","idToken":\#(token("NOPE"))}"#) == invalid)
    }

    @Test func dataTransferIsAnsweredUnknownVendorId() {
        var harness = Harness()
        harness.connect("CS1", connection: 1, version: .v201)
        #expect(harness.result("DataTransfer", #"{"vendorId":"com.example","messageId":"x","data":{"a":[1]}}"#)
                == .object(["status": .string("UnknownVendorId")]))
    }

    /// Every notification a 2.0.1 station sends is checked and acknowledged, so that a demo station's monitors,
    /// firmware and reservations run against the built-in central system without CALLERRORs.
    @Test func notificationsAreAcknowledged() {
        var harness = Harness()
        harness.connect("CS1", connection: 1, version: .v201)
        let event = #"{"generatedAt":"\#(Self.time)","seqNo":0,"eventData":[{"eventId":1,"timestamp":"\#(Self.time)","#
            + #""trigger":"Alerting","actualValue":"true","eventNotificationType":"HardWiredNotification","#
            + #""component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"Problem"}}]}"#
        #expect(harness.result("NotifyEvent", event) == .object([:]))
        #expect(harness.result("FirmwareStatusNotification", #"{"status":"Downloading","requestId":3}"#) == .object([:]))
        #expect(harness.result("ReservationStatusUpdate", #"{"reservationId":4,"reservationUpdateStatus":"Expired"}"#)
                == .object([:]))
        #expect(harness.errorCode("NotifyEvent", "{}", on: 1) == "OccurrenceConstraintViolation")
    }

    /// The same mistakes from a 1.6 and a 2.0.1 station, connected side by side, get each version's spelling.
    @Test func callErrorsUseTheSpellingOfTheConnectionsVersion() {
        var harness = Harness()
        harness.connect("CP16", connection: 1, version: .v16)
        harness.connect("CS201", connection: 2, version: .v201)
        let mistakes: [(action: String, payload: String, v16: String, v201: String)] = [
            ("Frobnicate", "{}", "NotImplemented", "NotImplemented"),
            ("Heartbeat", #"{"extra":1}"#, "FormationViolation", "FormatViolation"),
            ("StatusNotification", #"{"timestamp":"\#(Self.time)","connectorStatus":"Available","evseId":1}"#,
             "ProtocolError", "OccurrenceConstraintViolation"),
            ("SecurityEventNotification", #"{"type":1,"timestamp":"\#(Self.time)"}"#,
             "TypeConstraintViolation", "TypeConstraintViolation"),
            ("Get15118EVCertificate", "{}", "NotImplemented", "NotSupported"),
        ]
        for mistake in mistakes {
            #expect(harness.errorCode(mistake.action, mistake.payload, on: 2) == mistake.v201, "\(mistake.action)")
            #expect(harness.errorCode(mistake.action, mistake.payload, on: 1) == mistake.v16, "\(mistake.action)")
        }
    }

    /// 2.0.1 answers what is not an RPC frame with RpcFrameworkError (id -1 when none can be read) and an
    /// unknown message type with MessageTypeNotSupported, where 1.6 says FormationViolation and stays silent.
    @Test func framesThatAreNotCallsGetThe201FrameworkErrors() {
        var harness = Harness()
        harness.connect("CP16", connection: 1, version: .v16)
        harness.connect("CS201", connection: 2, version: .v201)
        let frames = [#"[2,"g","Heartbeat""#, #"[7,"u",{}]"#]
        func answers(on connection: UInt64) -> [String] {
            frames.flatMap { frame in
                harness.handle(.received(connection: connection, text: frame)).compactMap { effect -> String? in
                    guard case .send(_, let text) = effect, case .frame(.callError(let id, let code, _, _)) = RPCCodec.decode(text.utf8)
                    else { return nil }
                    return "\(id) \(code)"
                }
            }
        }
        #expect(answers(on: 2) == ["g RpcFrameworkError", "u MessageTypeNotSupported"])
        #expect(answers(on: 1) == ["g FormationViolation"])
    }

    /// An API caller's CALL to a 2.0.1 station must name a 2.0.1 action; a 1.6 station still gets any name.
    @Test func apiCallsToA201StationMustNameA201Action() throws {
        var harness = Harness()
        harness.connect("CS201", connection: 2, version: .v201)
        harness.connect("CP16", connection: 1, version: .v16)
        let start = JSONValue.object(["idTag": .string("TAG1")])
        #expect(harness.handle(.call(CallTicket(1), identity: "CS201", action: "RemoteStartTransaction", payload: start))
                == [.reply(CallTicket(1), .unknownAction(.v201))])
        let sent = sentCalls(harness.handle(.call(CallTicket(2), identity: "CS201", action: "GetVariables", payload: .object([:]))))
        #expect(sent.map(\.action) == ["GetVariables"] && sent.map(\.connection) == [2])
        let id = try #require(sent.first?.id)
        #expect(replies(harness.handle(.received(connection: 2, text: #"[3,"\#(id)",{"getVariableResult":[]}]"#)))
                == [CallTicket(2): .result(.object(["getVariableResult": .array([])]))])
        #expect(sentCalls(harness.handle(.call(CallTicket(3), identity: "CP16", action: "RemoteStartTransaction", payload: start)))
                .map(\.action) == ["RemoteStartTransaction"])
        #expect(harness.engine.stations.map(\.ocppVersion) == [.v16, .v201], "sorted by identity: CP16, CS201")
    }
}
