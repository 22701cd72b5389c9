import EngineSupport
import OCPP201
import Testing

@testable import Station201

/// Functional block B (registration, heartbeat, reset) and the RPC rules of [P4], with a fake clock.
@Suite struct ProvisioningTests {
    @Test func TC_B_01_CS_coldBootSendsBootNotificationFirstThenEveryConnectorStatus() {
        var harness = Harness(evses: 2)
        harness.handle(.linkUp)
        let boot = harness.outstanding
        #expect(boot?.action == "BootNotification")
        #expect(boot?["reason"] == .string("PowerUp"))
        #expect(boot?["chargingStation"]?["vendorName"] == .string("Vendor"))
        harness.answerOutstanding(#"{"currentTime":"2027-01-15T08:00:00.000Z","interval":120,"status":"Accepted"}"#)
        harness.answerAll()
        let statuses = harness.calls("StatusNotification")
        #expect(statuses.map { $0["evseId"] } == [.integer(1), .integer(2)])
        #expect(statuses.allSatisfy { $0["connectorStatus"] == .string("Available") && $0["connectorId"] == .integer(1) })
        #expect(harness.engine.deviceModel.integer(StandardVariables.heartbeatInterval) == 120)
        #expect(harness.persisted.contains(.variable(StandardVariables.heartbeatInterval.address, "120")))
    }

    @Test func heartbeatFollowsTheIntervalAfterTheLastMessageSent() {
        var harness = Harness(evses: 1)
        harness.boot(interval: 60)
        harness.answerAll()
        harness.advance(by: .seconds(59))
        #expect(harness.calls("Heartbeat").isEmpty)
        harness.advance(by: .seconds(1))
        #expect(harness.calls("Heartbeat").count == 1)
        harness.answerOutstanding(#"{"currentTime":"2027-01-15T08:01:00.000Z"}"#)
        harness.advance(by: .seconds(60))
        #expect(harness.calls("Heartbeat").count == 2)
    }

    /// TimeSource is Heartbeat: an Accepted BootNotification's and every Heartbeat's `currentTime` set the
    /// station's clock [B01.FR.06]; what it sends and reports follows it, the host's clock stays as it is.
    @Test func theCSMSsCurrentTimeIsTheStationsClock() {
        var harness = Harness(evses: 1)  // the host's clock: 2027-01-15T08:00:00Z
        harness.handle(.linkUp)
        harness.answerOutstanding(#"{"currentTime":"2027-01-15T09:00:00.000Z","interval":60,"status":"Accepted"}"#)
        #expect(harness.outstanding?["timestamp"] == .string("2027-01-15T09:00:00.000Z"), "the StatusNotification")
        harness.answerAll()
        harness.advance(by: .seconds(60))
        #expect(harness.outstanding?.action == "Heartbeat")
        harness.answerOutstanding(#"{"currentTime":"2027-01-15T09:00:30.000Z"}"#)
        harness.advance(by: .seconds(5))
        let id = harness.call(
            "GetVariables", #"{"getVariableData":[{"component":{"name":"ClockCtrlr"},"variable":{"name":"DateTime"}}]}"#)
        #expect(harness.result(answering: id)?["getVariableResult"]?[0]?["attributeValue"] == .string("2027-01-15T09:00:35.000Z"))
    }

    @Test func TC_B_02_CS_pendingAnswersProvisioningCallsAndSendsOnlyBootNotificationsOfItsOwn() {
        var harness = Harness(evses: 1)
        harness.boot("Pending", interval: 20)
        #expect(harness.outstanding == nil, "no StatusNotification while Pending [B02.FR.02]")
        let get = harness.call("GetVariables", #"{"getVariableData":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}"#)
        #expect(harness.result(answering: get)?["getVariableResult"]?[0]?["attributeStatus"] == .string("Accepted"))
        let unlock = harness.call("UnlockConnector", #"{"evseId":1,"connectorId":1}"#)
        #expect(harness.errorCode(answering: unlock) == "SecurityError")
        harness.advance(by: .seconds(19))
        #expect(harness.calls("BootNotification").count == 1)
        harness.advance(by: .seconds(1))
        #expect(harness.calls("BootNotification").count == 2)
        harness.answerOutstanding(#"{"currentTime":"2027-01-15T08:00:00.000Z","interval":300,"status":"Accepted"}"#)
        #expect(harness.outstanding?.action == "StatusNotification")
    }

    @Test func TC_B_30_CS_rejectedRefusesEveryCallWithSecurityErrorAndStaysSilentUntilTheInterval() {
        var harness = Harness(evses: 1)
        harness.boot("Rejected", interval: 50)
        let report = harness.call("GetBaseReport", #"{"requestId":1,"reportBase":"FullInventory"}"#)
        #expect(harness.errorCode(answering: report) == "SecurityError")
        let trigger = harness.call("TriggerMessage", #"{"requestedMessage":"Heartbeat"}"#)
        #expect(harness.errorCode(answering: trigger) == "SecurityError")
        harness.advance(by: .seconds(49))
        #expect(harness.sentCalls.count == 1)
        harness.advance(by: .seconds(1))
        #expect(harness.calls("BootNotification").count == 2)
    }

    @Test func aBootWithoutAnIntervalIsRetriedAtTheStationsOwnPace() {
        var harness = Harness(evses: 1)
        harness.boot("Pending", interval: 0)
        harness.advance(by: Registration.bootRetryFallback - .seconds(1))
        #expect(harness.calls("BootNotification").count == 1)
        harness.advance(by: .seconds(1))
        #expect(harness.calls("BootNotification").count == 2)
    }

    @Test func aBootNotificationWithoutAnswerIsSentAgainAfterTheTimeout() {
        var harness = Harness(evses: 1)
        harness.handle(.linkUp)
        harness.advance(by: .seconds(30))
        #expect(harness.outstanding == nil, "MessageTimeout[Default] is 30 s")
        harness.advance(by: Registration.bootRetryFallback)
        #expect(harness.calls("BootNotification").count == 2)
    }

    @Test func aReconnectOfAnAcceptedStationDoesNotBootAgain() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.answerAll()
        harness.handle(.linkDown(reason: "test"))
        harness.advance(by: .seconds(10))
        harness.handle(.linkUp)
        #expect(harness.calls("BootNotification").count == 1)
        #expect(harness.calls("StatusNotification").count == 1, "offline for less than OfflineThreshold")
    }

    @Test func aReconnectAfterMoreThanTheOfflineThresholdReportsEveryConnector() {
        var harness = Harness(evses: 2)
        harness.boot()
        harness.answerAll()
        harness.handle(.linkDown(reason: "test"))
        harness.advance(by: .seconds(61))
        harness.handle(.linkUp)
        harness.answerAll()
        #expect(harness.calls("StatusNotification").count == 4)
    }

    @Test func TC_B_20_CS_resetWithoutTransactionIsAnsweredThenTheStationRebootsSayingRemoteReset() {
        var harness = Harness(evses: 1)
        harness.boot()
        let reset = harness.call("Reset", #"{"type":"OnIdle"}"#)
        #expect(harness.result(answering: reset)?["status"] == .string("Accepted"))
        let persisted = harness.position { $0 == .persist([.bootReason(.remoteReset)]) }
        let answered = harness.position { if case .send(let text) = $0 { text.contains(reset) } else { false } }
        let restart = harness.position { $0 == .restart }
        #expect(persisted != nil && answered != nil && restart != nil)
        #expect(persisted! < answered! && answered! < restart!)

        var rebooted = Harness(evses: 1, persisted: PersistedState(bootReason: .remoteReset))
        rebooted.boot()
        #expect(rebooted.calls("BootNotification").first?["reason"] == .string("RemoteReset"))
        #expect(rebooted.persisted.contains(.bootReason(.powerUp)), "a later power cut is a PowerUp again")
    }

    /// EVSE.AllowReset is not reported, so TC_B_25 (reset of one EVSE) does not apply [B11.FR.10].
    @Test func TC_B_25_CS_resettingAnIdleEVSEIsAcceptedWithoutRebootingTheStationAndAnUnknownOneRejected() {
        var harness = Harness(evses: 1)
        harness.boot()
        let reset = harness.call("Reset", #"{"type":"OnIdle","evseId":1}"#)
        #expect(harness.result(answering: reset)?["status"] == .string("Accepted"))
        let unknown = harness.call("Reset", #"{"type":"Immediate","evseId":3}"#)
        #expect(harness.result(answering: unknown)?["statusInfo"]?["reasonCode"] == .string("UnknownEvse"))
        #expect(!harness.effects.contains(.restart))
    }

    @Test func triggeredBootNotificationIsRejectedOnceAccepted() {
        var harness = Harness(evses: 1)
        harness.boot()
        let trigger = harness.call("TriggerMessage", #"{"requestedMessage":"BootNotification"}"#)
        #expect(harness.result(answering: trigger)?["status"] == .string("Rejected"))
    }

    @Test func TC_B_31_CS_triggeredBootNotificationWhilePendingGoesNowSayingTriggered() {
        var harness = Harness(evses: 1)
        harness.boot("Pending", interval: 300)
        let trigger = harness.call("TriggerMessage", #"{"requestedMessage":"BootNotification"}"#)
        #expect(harness.result(answering: trigger)?["status"] == .string("Accepted"))
        #expect(harness.outstanding?.action == "BootNotification")
        #expect(harness.outstanding?["reason"] == .string("Triggered"))
    }

    @Test func TC_F_20_CS_triggeredHeartbeatAndStatusNotificationFollowTheAnswer() {
        var harness = Harness(evses: 2)
        harness.boot()
        harness.answerAll()
        let heartbeat = harness.call("TriggerMessage", #"{"requestedMessage":"Heartbeat"}"#)
        #expect(harness.result(answering: heartbeat)?["status"] == .string("Accepted"))
        #expect(harness.outstanding?.action == "Heartbeat")
        harness.answerOutstanding(#"{"currentTime":"2027-01-15T08:00:00.000Z"}"#)
        let status = harness.call("TriggerMessage", #"{"requestedMessage":"StatusNotification","evse":{"id":2,"connectorId":1}}"#)
        #expect(harness.result(answering: status)?["status"] == .string("Accepted"))
        #expect(harness.outstanding?["evseId"] == .integer(2))
        let withoutConnector = harness.call("TriggerMessage", #"{"requestedMessage":"StatusNotification","evse":{"id":2}}"#)
        #expect(harness.result(answering: withoutConnector)?["status"] == .string("Rejected"))
        let publish = harness.call("TriggerMessage", #"{"requestedMessage":"PublishFirmwareStatusNotification"}"#)
        #expect(harness.result(answering: publish)?["status"] == .string("NotImplemented"))
    }

    /// [F05]: the simulated lock opens; an unknown EVSE or connector is said so.
    @Test func unlockConnectorOpensTheLockOfAKnownConnector() {
        var harness = Harness(evses: 2)
        harness.boot()
        let known = harness.call("UnlockConnector", #"{"evseId":2,"connectorId":1}"#)
        #expect(harness.result(answering: known)?["status"] == .string("Unlocked"))
        let unknownEVSE = harness.call("UnlockConnector", #"{"evseId":3,"connectorId":1}"#)
        #expect(harness.result(answering: unknownEVSE)?["status"] == .string("UnknownConnector"))
        let unknownConnector = harness.call("UnlockConnector", #"{"evseId":1,"connectorId":2}"#)
        #expect(harness.result(answering: unknownConnector)?["status"] == .string("UnknownConnector"))
    }

    /// [E14]: with no transaction and no transaction message, both answers are false; `ongoingIndicator`
    /// only when an id was asked about.
    @Test func getTransactionStatusWithAndWithoutAnId() {
        var harness = Harness(evses: 1)
        harness.boot()
        let withId = harness.call("GetTransactionStatus", #"{"transactionId":"tx-1"}"#)
        #expect(harness.result(answering: withId) == .object(["ongoingIndicator": .bool(false), "messagesInQueue": .bool(false)]))
        let withoutId = harness.call("GetTransactionStatus", "{}")
        #expect(harness.result(answering: withoutId) == .object(["messagesInQueue": .bool(false)]))
    }

    @Test func TC_P_01_CS_dataTransferOfAnUnknownVendor() {
        var harness = Harness(evses: 1)
        harness.boot()
        let transfer = harness.call("DataTransfer", #"{"vendorId":"com.example","messageId":"x","data":{"a":1}}"#)
        #expect(harness.result(answering: transfer)?["status"] == .string("UnknownVendorId"))
    }
}

/// [P4] §4: CALLERRORs in the 2.0.1 spellings.
@Suite struct RPCFrameworkTests {
    @Test func anUnreadableFrameIsAnsweredWithRpcFrameworkErrorAndIdMinusOne() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.handle(.received("not json"))
        #expect(harness.errorCode(answering: "-1") == "RpcFrameworkError")
    }

    @Test func anUnknownMessageTypeIsAnsweredWithMessageTypeNotSupported() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.handle(.received(#"[7,"abc",{}]"#))
        #expect(harness.errorCode(answering: "abc") == "MessageTypeNotSupported")
    }

    @Test func anUnknownActionIsNotImplementedAndAKnownOneWithoutSupportNotSupported() {
        var harness = Harness(evses: 1)
        harness.boot()
        let unknown = harness.call("FlyToTheMoon", "{}")
        #expect(harness.errorCode(answering: unknown) == "NotImplemented")
        let known = harness.call("UnpublishFirmware", #"{"checksum":"0123"}"#)
        #expect(harness.errorCode(answering: known) == "NotSupported")
    }

    @Test(arguments: [
        (#"{"requestId":1,"reportBase":"FullInventory","extra":1}"#, "FormatViolation"),
        (#"{"requestId":1}"#, "OccurrenceConstraintViolation"),
        (#"{"requestId":"1","reportBase":"FullInventory"}"#, "TypeConstraintViolation"),
        (#"{"requestId":1,"reportBase":"Everything"}"#, "PropertyConstraintViolation"),
    ])
    func schemaFailuresGetTheirCallErrors(payload: String, code: String) {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.call("GetBaseReport", payload)
        #expect(harness.errorCode(answering: id) == code)
    }

    @Test func TC_P_03_CS_customDataIsAcceptedAndIgnored() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.call(
            "GetBaseReport", #"{"customData":{"vendorId":"x","y":1},"requestId":1,"reportBase":"FullInventory"}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
    }
}
