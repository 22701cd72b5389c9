import OCPP16
import Testing

@testable import ChargePoint

@Suite struct CallErrorTests {
    @Test(arguments: [
        (#"[2,"e1","FooBar",{}]"#, "e1", "NotImplemented"),
        (#"[2,"e2","Authorize",{"idTag":"A"}]"#, "e2", "NotImplemented"),
        (#"[2,"e3","RemoteStartTransaction",{"idTag":"123456789012345678901"}]"#, "e3", "TypeConstraintViolation"),
        (#"[2,"e4","RemoteStartTransaction",{"idTag":"A","extra":1}]"#, "e4", "FormationViolation"),
        (#"[2,"e5","RemoteStartTransaction",{}]"#, "e5", "ProtocolError"),
        (#"[2,"e6","RemoteStartTransaction",{"idTag":"A","connectorId":"1"}]"#, "e6", "TypeConstraintViolation"),
        (#"[2,"e7","RemoteStopTransaction",{"transactionId":1.5}]"#, "e7", "TypeConstraintViolation"),
        (#"[2,"e8","GetConfiguration",{"key":"HeartbeatInterval"}]"#, "e8", "TypeConstraintViolation"),
        (#"[2,"e9","RemoteStartTransaction",{"idTag":"A","chargingProfile":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"Nope","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[{"startPeriod":0,"limit":16}]}}}]"#, "e9", "PropertyConstraintViolation"),
        (#"[2,"e10","RemoteStartTransaction",{"idTag":"A","chargingProfile":{"chargingProfileId":1,"stackLevel":0,"chargingProfilePurpose":"TxProfile","chargingProfileKind":"Absolute","chargingSchedule":{"chargingRateUnit":"A","chargingSchedulePeriod":[]}}}]"#, "e10", "OccurenceConstraintViolation"),
        (#"[2,"e11","Heartbeat""#, "e11", "FormationViolation"),
        (#"not json"#, "-1", "FormationViolation"),
        (#"[2,"e12","RemoteStopTransaction"]"#, "e12", "FormationViolation"),
        (#"[2,"e13","GetCompositeSchedule",{"connectorId":1,"duration":-1}]"#, "e13", "PropertyConstraintViolation"),
        (#"{"a":1}"#, "-1", "FormationViolation"),
        (#"[2,"\#(String(repeating: "i", count: 37))","Heartbeat",{}]"#, "-1", "FormationViolation"),
        (#"[2,"\#(String(repeating: "i", count: 1000))","FooBar",{}]"#, "-1", "FormationViolation"),
        (#"[2,"\#(String(repeating: "k", count: 36))","FooBar",{}]"#, String(repeating: "k", count: 36), "NotImplemented"),
    ])
    func malformedOrUnsupportedCallsGetTheRightCallError(frame: String, messageId: String, code: String) {
        var harness = Harness()
        harness.bootAccepted()
        harness.handle(.received(frame))
        #expect(harness.errorCode(answering: messageId) == code)
    }

    @Test func unknownMessageTypesAndStrayAnswersAreIgnored() {
        var harness = Harness()
        harness.bootAccepted()
        let sent = harness.sentFrames.count
        harness.handle(.received(#"[5,"x",{}]"#))
        harness.handle(.received(#"[3,"nobody-asked",{}]"#))
        harness.handle(.received(#"[4,"nobody-asked","GenericError","",{}]"#))
        #expect(harness.sentFrames.count == sent)
    }

    @Test func everyCallIsAnsweredExactlyOnce() {
        var harness = Harness()
        harness.bootAccepted()
        harness.csmsCall("once", "GetConfiguration", "{}")
        let answers = harness.sentFrames.filter { frame in
            guard case .array(let items) = frame else { return false }
            return items.count > 1 && items[1] == .string("once")
        }
        #expect(answers.count == 1)
    }
}

@Suite struct HostileValueTests {
    /// Integers at the edges of the type are legal JSON and must not trap anywhere.
    @Test(arguments: [
        #"[2,"h1","TriggerMessage",{"requestedMessage":"StatusNotification","connectorId":-9223372036854775808}]"#,
        #"[2,"h2","TriggerMessage",{"requestedMessage":"MeterValues","connectorId":9223372036854775807}]"#,
        #"[2,"h3","UpdateFirmware",{"location":"http://x/f.bin","retrieveDate":"2027-01-15T07:00:00Z","retries":9223372036854775807,"retryInterval":9223372036854775807}]"#,
        #"[2,"h4","GetDiagnostics",{"location":"http://x/","retries":-9223372036854775808,"retryInterval":-1}]"#,
        #"[2,"h5","ChangeAvailability",{"connectorId":-9223372036854775808,"type":"Inoperative"}]"#,
        #"[2,"h6","UnlockConnector",{"connectorId":9223372036854775807}]"#,
        #"[2,"h7","ReserveNow",{"connectorId":-1,"expiryDate":"9999-12-31T23:59:59Z","idTag":"A","reservationId":-9223372036854775808}]"#,
        #"[2,"h8","GetCompositeSchedule",{"connectorId":0,"duration":9223372036854775807}]"#,
        #"[2,"h9","RemoteStopTransaction",{"transactionId":-9223372036854775808}]"#,
    ])
    func extremeIntegersAreAnsweredWithoutTrapping(frame: String) {
        var harness = Harness()
        harness.bootAccepted()
        harness.handle(.received(frame))
        let id = String(frame.split(separator: "\"")[1])
        #expect(harness.answer(to: id) != nil)
        harness.advance(by: .seconds(120))
    }
}
