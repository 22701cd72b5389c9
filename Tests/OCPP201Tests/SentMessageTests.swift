import OCPP201
import Testing

/// Station → CSMS requests and the station's answers, encoded as they go on the wire: members in declaration
/// (schema) order, absent optionals left out rather than written as `null`.
@Suite("Encoding what the station sends")
struct SentMessageTests {
    static let now = instant("2024-05-06T10:15:30Z")
    static let nowText = "2024-05-06T10:15:30.000Z"

    @Test func bootNotification() {
        let full = BootNotificationRequest(
            chargingStation: ChargingStation(
                model: "Wallbox-22", vendorName: "Example Energy", serialNumber: "SN-000042",
                modem: Modem(iccid: "8931440400000000001", imsi: "204043100000001"), firmwareVersion: "2.0.1-rc3"),
            reason: .powerUp)
        #expect(
            JSONWriter.string(full)
                == #"{"chargingStation":{"serialNumber":"SN-000042","model":"Wallbox-22","#
                + #""modem":{"iccid":"8931440400000000001","imsi":"204043100000001"},"vendorName":"Example Energy","#
                + #""firmwareVersion":"2.0.1-rc3"},"reason":"PowerUp"}"#)
        let minimal = BootNotificationRequest(
            chargingStation: ChargingStation(model: "W", vendorName: "V"), reason: .scheduledReset)
        #expect(
            JSONWriter.string(minimal)
                == #"{"chargingStation":{"model":"W","vendorName":"V"},"reason":"ScheduledReset"}"#)
    }

    @Test func heartbeat() {
        #expect(JSONWriter.string(HeartbeatRequest()) == "{}")
    }

    @Test func statusNotification() {
        let request = StatusNotificationRequest(
            timestamp: Self.now, connectorStatus: .occupied, evseId: 1, connectorId: 2)
        #expect(
            JSONWriter.string(request)
                == #"{"timestamp":"\#(Self.nowText)","connectorStatus":"Occupied","evseId":1,"connectorId":2}"#)
    }

    @Test func authorize() {
        let request = AuthorizeRequest(
            idToken: IdToken(
                idToken: "04A2B3C4", type: .iso14443,
                additionalInfo: [AdditionalInfo(additionalIdToken: "C-1", type: "Contract")]),
            certificate: "-----BEGIN CERTIFICATE-----",
            iso15118CertificateHashData: [
                OCSPRequestData(
                    hashAlgorithm: .sha256, issuerNameHash: "aa11", issuerKeyHash: "bb22", serialNumber: "1f",
                    responderURL: "http://ocsp.example.com")
            ])
        #expect(
            JSONWriter.string(request)
                == #"{"idToken":{"additionalInfo":[{"additionalIdToken":"C-1","type":"Contract"}],"#
                + #""idToken":"04A2B3C4","type":"ISO14443"},"certificate":"-----BEGIN CERTIFICATE-----","#
                + #""iso15118CertificateHashData":[{"hashAlgorithm":"SHA256","issuerNameHash":"aa11","#
                + #""issuerKeyHash":"bb22","serialNumber":"1f","responderURL":"http://ocsp.example.com"}]}"#)
        let plain = AuthorizeRequest(idToken: IdToken(idToken: "", type: .noAuthorization))
        #expect(JSONWriter.string(plain) == #"{"idToken":{"idToken":"","type":"NoAuthorization"}}"#)
    }

    @Test func transactionEventStarted() {
        let request = TransactionEventRequest(
            eventType: .started,
            meterValue: [
                MeterValue(
                    sampledValue: [
                        SampledValue(
                            value: 1234.5, context: .transactionBegin, measurand: .energyActiveImportRegister,
                            phase: .l1N, location: .outlet,
                            signedMeterValue: SignedMeterValue(
                                signedMeterData: "AQID", signingMethod: "ECDSA-secp256r1-SHA256",
                                encodingMethod: "OCMF", publicKey: "BAUG"),
                            unitOfMeasure: UnitOfMeasure(unit: "kWh", multiplier: -3))
                    ],
                    timestamp: Self.now)
            ],
            timestamp: Self.now, triggerReason: .cablePluggedIn, seqNo: 0, offline: true, numberOfPhasesUsed: 3,
            cableMaxCurrent: 32, reservationId: 5,
            transactionInfo: Transaction(
                transactionId: "TX-0001", chargingState: .evConnected, timeSpentCharging: 0, remoteStartId: 7001),
            evse: EVSE(id: 1, connectorId: 1), idToken: IdToken(idToken: "04A2B3C4", type: .iso14443))
        #expect(
            JSONWriter.string(request)
                == #"{"eventType":"Started","meterValue":[{"sampledValue":[{"value":1234.5,"#
                + #""context":"Transaction.Begin","measurand":"Energy.Active.Import.Register","phase":"L1-N","#
                + #""location":"Outlet","signedMeterValue":{"signedMeterData":"AQID","#
                + #""signingMethod":"ECDSA-secp256r1-SHA256","encodingMethod":"OCMF","publicKey":"BAUG"},"#
                + #""unitOfMeasure":{"unit":"kWh","multiplier":-3}}],"timestamp":"\#(Self.nowText)"}],"#
                + #""timestamp":"\#(Self.nowText)","triggerReason":"CablePluggedIn","seqNo":0,"offline":true,"#
                + #""numberOfPhasesUsed":3,"cableMaxCurrent":32,"reservationId":5,"#
                + #""transactionInfo":{"transactionId":"TX-0001","chargingState":"EVConnected","#
                + #""timeSpentCharging":0,"remoteStartId":7001},"evse":{"id":1,"connectorId":1},"#
                + #""idToken":{"idToken":"04A2B3C4","type":"ISO14443"}}"#)
    }

    @Test func transactionEventEnded() {
        let request = TransactionEventRequest(
            eventType: .ended, timestamp: Self.now, triggerReason: .resetCommand, seqNo: 7,
            transactionInfo: Transaction(transactionId: "TX-0001", stoppedReason: .immediateReset))
        #expect(
            JSONWriter.string(request)
                == #"{"eventType":"Ended","timestamp":"\#(Self.nowText)","triggerReason":"ResetCommand","seqNo":7,"#
                + #""transactionInfo":{"transactionId":"TX-0001","stoppedReason":"ImmediateReset"}}"#)
    }

    @Test func meterValues() {
        let request = MeterValuesRequest(
            evseId: 0,
            meterValue: [
                MeterValue(
                    sampledValue: [
                        SampledValue(value: 230, context: .sampleClock, measurand: .voltage, phase: .l2N),
                        SampledValue(value: 0.1),
                    ],
                    timestamp: Self.now)
            ])
        #expect(
            JSONWriter.string(request)
                == #"{"evseId":0,"meterValue":[{"sampledValue":[{"value":230,"context":"Sample.Clock","#
                + #""measurand":"Voltage","phase":"L2-N"},{"value":0.1}],"timestamp":"\#(Self.nowText)"}]}"#)
    }

    @Test func dataTransfer() {
        let request = DataTransferRequest(
            vendorId: "com.example", messageId: "Diagnostics", data: .object(["temperature": .integer(41)]))
        #expect(
            JSONWriter.string(request)
                == #"{"messageId":"Diagnostics","data":{"temperature":41},"vendorId":"com.example"}"#)
        #expect(JSONWriter.string(DataTransferRequest(vendorId: "com.example")) == #"{"vendorId":"com.example"}"#)
    }

    @Test func notifyDisplayMessagesAndTheDisplayAnswers() {
        let info = MessageInfo(
            id: 4, priority: .inFront, endDateTime: Self.now, transactionId: "tx-1",
            message: MessageContent(format: .uri, content: "https://example.com"))
        #expect(
            JSONWriter.string(NotifyDisplayMessagesRequest(messageInfo: [info], requestId: 9, tbc: true))
                == #"{"messageInfo":[{"id":4,"priority":"InFront","endDateTime":"\#(Self.nowText)","transactionId":"tx-1","#
                + #""message":{"format":"URI","content":"https://example.com"}}],"requestId":9,"tbc":true}"#)
        #expect(JSONWriter.string(NotifyDisplayMessagesRequest(requestId: 9)) == #"{"requestId":9}"#)
        #expect(
            JSONWriter.string(SetDisplayMessageResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "NotEnabled")))
                == #"{"status":"Rejected","statusInfo":{"reasonCode":"NotEnabled"}}"#)
        #expect(JSONWriter.string(GetDisplayMessagesResponse(status: .unknown)) == #"{"status":"Unknown"}"#)
        #expect(JSONWriter.string(ClearDisplayMessageResponse(status: .accepted)) == #"{"status":"Accepted"}"#)
    }

    @Test func notifyReport() {
        let request = NotifyReportRequest(
            requestId: 0, generatedAt: Self.now,
            reportData: [
                ReportData(
                    component: Component(name: "OCPPCommCtrlr"), variable: Variable(name: "HeartbeatInterval"),
                    variableAttribute: [
                        VariableAttribute(
                            type: .actual, value: "300", mutability: .readWrite, persistent: true, constant: false)
                    ],
                    variableCharacteristics: VariableCharacteristics(
                        unit: "s", dataType: .integer, minLimit: 1, maxLimit: 86400, supportsMonitoring: false)),
                ReportData(
                    component: Component(name: "Connector", evse: EVSE(id: 1, connectorId: 1)),
                    variable: Variable(name: "ConnectorType"),
                    variableAttribute: [VariableAttribute(value: "cType2", mutability: .readOnly)],
                    variableCharacteristics: VariableCharacteristics(
                        dataType: .optionList, valuesList: "cType2,sType2", supportsMonitoring: false)),
            ],
            tbc: true, seqNo: 0)
        #expect(
            JSONWriter.string(request)
                == #"{"requestId":0,"generatedAt":"\#(Self.nowText)","reportData":[{"#
                + #""component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"},"#
                + #""variableAttribute":[{"type":"Actual","value":"300","mutability":"ReadWrite","persistent":true,"#
                + #""constant":false}],"variableCharacteristics":{"unit":"s","dataType":"integer","minLimit":1,"#
                + #""maxLimit":86400,"supportsMonitoring":false}},{"#
                + #""component":{"evse":{"id":1,"connectorId":1},"name":"Connector"},"#
                + #""variable":{"name":"ConnectorType"},"#
                + #""variableAttribute":[{"value":"cType2","mutability":"ReadOnly"}],"#
                + #""variableCharacteristics":{"dataType":"OptionList","valuesList":"cType2,sType2","#
                + #""supportsMonitoring":false}}],"tbc":true,"seqNo":0}"#)
    }

    @Test func securityEventNotification() {
        let request = SecurityEventNotificationRequest(
            type: "StartupOfTheDevice", timestamp: Self.now, techInfo: "firmware 2.0.1-rc3")
        #expect(
            JSONWriter.string(request)
                == #"{"type":"StartupOfTheDevice","timestamp":"\#(Self.nowText)","techInfo":"firmware 2.0.1-rc3"}"#)
    }

    @Test func variableResults() {
        let getResponse = GetVariablesResponse(getVariableResult: [
            GetVariableResult(
                attributeStatus: .accepted, attributeType: .actual, attributeValue: "300",
                component: Component(name: "OCPPCommCtrlr"), variable: Variable(name: "HeartbeatInterval")),
            GetVariableResult(
                attributeStatus: .rejected, component: Component(name: "SecurityCtrlr"),
                variable: Variable(name: "BasicAuthPassword"),
                attributeStatusInfo: StatusInfo(reasonCode: "WriteOnly")),
        ])
        #expect(
            JSONWriter.string(getResponse)
                == #"{"getVariableResult":[{"attributeStatus":"Accepted","attributeType":"Actual","#
                + #""attributeValue":"300","component":{"name":"OCPPCommCtrlr"},"#
                + #""variable":{"name":"HeartbeatInterval"}},{"attributeStatusInfo":{"reasonCode":"WriteOnly"},"#
                + #""attributeStatus":"Rejected","component":{"name":"SecurityCtrlr"},"#
                + #""variable":{"name":"BasicAuthPassword"}}]}"#)
        let setResponse = SetVariablesResponse(setVariableResult: [
            SetVariableResult(
                attributeType: .actual, attributeStatus: .rebootRequired,
                attributeStatusInfo: StatusInfo(reasonCode: "ChangeOnReboot", additionalInfo: "applies after reset"),
                component: Component(name: "OCPPCommCtrlr", instance: "A"),
                variable: Variable(name: "X", instance: "Y"))
        ])
        #expect(
            JSONWriter.string(setResponse)
                == #"{"setVariableResult":[{"attributeType":"Actual","attributeStatus":"RebootRequired","#
                + #""attributeStatusInfo":{"reasonCode":"ChangeOnReboot","additionalInfo":"applies after reset"},"#
                + #""component":{"name":"OCPPCommCtrlr","instance":"A"},"variable":{"name":"X","instance":"Y"}}]}"#)
    }

    static let statusResponses: [(any Encodable & Sendable, String)] = [
        (GetBaseReportResponse(status: .emptyResultSet), #"{"status":"EmptyResultSet"}"#),
        (
            GetReportResponse(status: .notSupported, statusInfo: StatusInfo(reasonCode: "UnsupportedRequest")),
            #"{"status":"NotSupported","statusInfo":{"reasonCode":"UnsupportedRequest"}}"#
        ),
        (ResetResponse(status: .scheduled), #"{"status":"Scheduled"}"#),
        (
            SetNetworkProfileResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "InvalidConfSlot")),
            #"{"status":"Rejected","statusInfo":{"reasonCode":"InvalidConfSlot"}}"#
        ),
        (ClearCacheResponse(status: .accepted), #"{"status":"Accepted"}"#),
        (SendLocalListResponse(status: .versionMismatch), #"{"status":"VersionMismatch"}"#),
        (GetLocalListVersionResponse(versionNumber: 0), #"{"versionNumber":0}"#),
        (
            GetTransactionStatusResponse(ongoingIndicator: true, messagesInQueue: false),
            #"{"ongoingIndicator":true,"messagesInQueue":false}"#
        ),
        (GetTransactionStatusResponse(messagesInQueue: true), #"{"messagesInQueue":true}"#),
        (
            RequestStartTransactionResponse(status: .accepted, transactionId: "TX-0002"),
            #"{"status":"Accepted","transactionId":"TX-0002"}"#
        ),
        (
            RequestStopTransactionResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "TxNotFound")),
            #"{"status":"Rejected","statusInfo":{"reasonCode":"TxNotFound"}}"#
        ),
        (TriggerMessageResponse(status: .notImplemented), #"{"status":"NotImplemented"}"#),
        (UnlockConnectorResponse(status: .ongoingAuthorizedTransaction), #"{"status":"OngoingAuthorizedTransaction"}"#),
        (ChangeAvailabilityResponse(status: .scheduled), #"{"status":"Scheduled"}"#),
        (
            DataTransferResponse(
                status: .accepted, statusInfo: StatusInfo(reasonCode: "OK"), data: .array([.bool(true)])),
            #"{"status":"Accepted","statusInfo":{"reasonCode":"OK"},"data":[true]}"#
        ),
        (DataTransferResponse(status: .unknownMessageId), #"{"status":"UnknownMessageId"}"#),
        (EmptyResponse(), "{}"),
    ]

    @Test(arguments: statusResponses)
    func stationResponses(response: any Encodable & Sendable, expected: String) {
        #expect(JSONWriter.string(response) == expected)
    }
}
