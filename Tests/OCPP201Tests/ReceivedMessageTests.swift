import OCPP201
import Testing

/// CSMS → station requests, and the answers to the station's own requests, decoded as they arrive.
@Suite("Decoding what the CSMS sends")
struct ReceivedMessageTests {
    @Test func getVariables() throws {
        let json = """
            {"getVariableData":[
              {"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}},
              {"attributeType":"MaxSet","component":{"name":"SmartChargingCtrlr","instance":"1","evse":{"id":1,
              "connectorId":2}},"variable":{"name":"Limit","instance":"Phase1"}}]}
            """
        let expected = GetVariablesRequest(getVariableData: [
            GetVariableData(component: Component(name: "OCPPCommCtrlr"), variable: Variable(name: "HeartbeatInterval")),
            GetVariableData(
                attributeType: .maxSet,
                component: Component(name: "SmartChargingCtrlr", instance: "1", evse: EVSE(id: 1, connectorId: 2)),
                variable: Variable(name: "Limit", instance: "Phase1")),
        ])
        #expect(try decode(GetVariablesRequest.self, json) == expected)
    }

    @Test func setVariables() throws {
        let json = """
            {"setVariableData":[{"attributeType":"Actual","attributeValue":"300",
              "component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}
            """
        let expected = SetVariablesRequest(setVariableData: [
            SetVariableData(
                attributeType: .actual, attributeValue: "300", component: Component(name: "OCPPCommCtrlr"),
                variable: Variable(name: "HeartbeatInterval"))
        ])
        #expect(try decode(SetVariablesRequest.self, json) == expected)
    }

    @Test func getBaseReport() throws {
        let expected = GetBaseReportRequest(requestId: 0, reportBase: .fullInventory)
        #expect(try decode(GetBaseReportRequest.self, #"{"requestId":0,"reportBase":"FullInventory"}"#) == expected)
    }

    @Test func getReport() throws {
        let json = """
            {"componentVariable":[{"component":{"name":"EVSE","evse":{"id":1}},"variable":{"name":"AvailabilityState"}},
              {"component":{"name":"TxCtrlr"}}],"requestId":17,"componentCriteria":["Problem","Enabled"]}
            """
        let expected = GetReportRequest(
            componentVariable: [
                ComponentVariable(
                    component: Component(name: "EVSE", evse: EVSE(id: 1)),
                    variable: Variable(name: "AvailabilityState")),
                ComponentVariable(component: Component(name: "TxCtrlr")),
            ],
            requestId: 17, componentCriteria: [.problem, .enabled])
        #expect(try decode(GetReportRequest.self, json) == expected)
    }

    @Test func reset() throws {
        let evseOnIdle = ResetRequest(type: .onIdle, evseId: 2)
        #expect(try decode(ResetRequest.self, #"{"type":"OnIdle","evseId":2}"#) == evseOnIdle)
        #expect(try decode(ResetRequest.self, #"{"type":"Immediate"}"#) == ResetRequest(type: .immediate))
    }

    @Test func setNetworkProfile() throws {
        let json = """
            {"configurationSlot":2,"connectionData":{
              "apn":{"apn":"internet.example","apnUserName":"station","apnPassword":"secret","simPin":1234,
                "preferredNetwork":"20408","useOnlyPreferredNetwork":true,"apnAuthentication":"CHAP"},
              "ocppVersion":"OCPP20","ocppTransport":"JSON","ocppCsmsUrl":"wss://csms.example.com/ocpp",
              "messageTimeout":30,"securityProfile":2,"ocppInterface":"Wireless0",
              "vpn":{"server":"vpn.example.com","user":"cs","group":"stations","password":"pw","key":"k3y",
                "type":"IKEv2"}}}
            """
        let expected = SetNetworkProfileRequest(
            configurationSlot: 2,
            connectionData: NetworkConnectionProfile(
                apn: APN(
                    apn: "internet.example", apnUserName: "station", apnPassword: "secret", simPin: 1234,
                    preferredNetwork: "20408", useOnlyPreferredNetwork: true, apnAuthentication: .chap),
                ocppVersion: .ocpp20, ocppTransport: .json, ocppCsmsUrl: "wss://csms.example.com/ocpp",
                messageTimeout: 30, securityProfile: 2, ocppInterface: .wireless0,
                vpn: VPN(
                    server: "vpn.example.com", user: "cs", group: "stations", password: "pw", key: "k3y",
                    type: .ikev2)))
        #expect(try decode(SetNetworkProfileRequest.self, json) == expected)
    }

    @Test func requestsWithoutMembers() throws {
        #expect(try decode(ClearCacheRequest.self, "{}") == ClearCacheRequest())
        #expect(try decode(GetLocalListVersionRequest.self, "{}") == GetLocalListVersionRequest())
    }

    @Test func sendLocalList() throws {
        let json = """
            {"localAuthorizationList":[
              {"idToken":{"idToken":"04A2B3C4D5E6F7","type":"ISO14443",
                "additionalInfo":[{"additionalIdToken":"NL-TNM-C00122045-K","type":"ContractId"}]},
               "idTokenInfo":{"status":"Accepted","cacheExpiryDateTime":"2025-01-01T00:00:00Z","chargingPriority":-3,
                "language1":"nl","evseId":[1,2],"groupIdToken":{"idToken":"FLEET-7","type":"Central"},
                "language2":"en","personalMessage":{"format":"UTF8","language":"nl","content":"Welkom"}}},
              {"idToken":{"idToken":"1234","type":"KeyCode"}}],
             "versionNumber":42,"updateType":"Differential"}
            """
        let expected = SendLocalListRequest(
            localAuthorizationList: [
                AuthorizationData(
                    idToken: IdToken(
                        idToken: "04A2B3C4D5E6F7", type: .iso14443,
                        additionalInfo: [AdditionalInfo(additionalIdToken: "NL-TNM-C00122045-K", type: "ContractId")]),
                    idTokenInfo: IdTokenInfo(
                        status: .accepted, cacheExpiryDateTime: instant("2025-01-01T00:00:00Z"), chargingPriority: -3,
                        language1: "nl", evseId: [1, 2], groupIdToken: IdToken(idToken: "FLEET-7", type: .central),
                        language2: "en",
                        personalMessage: MessageContent(format: .utf8, language: "nl", content: "Welkom"))),
                AuthorizationData(idToken: IdToken(idToken: "1234", type: .keyCode)),
            ],
            versionNumber: 42, updateType: .differential)
        #expect(try decode(SendLocalListRequest.self, json) == expected)
    }

    @Test func displayMessageRequests() throws {
        let json = """
            {"message":{"display":{"name":"Display","evse":{"id":1}},"id":4,"priority":"InFront","state":"Charging",
              "startDateTime":"2024-05-06T10:15:30Z","endDateTime":"2024-05-06T11:15:30.500Z",
              "transactionId":"6f3c2b1e-9d4a-4f0e-8c57-2a1b3c4d5e6f",
              "message":{"format":"UTF8","language":"de-CH","content":"Grüezi"}}}
            """
        let expected = SetDisplayMessageRequest(message: MessageInfo(
            display: Component(name: "Display", evse: EVSE(id: 1)), id: 4, priority: .inFront, state: .charging,
            startDateTime: instant("2024-05-06T10:15:30Z"), endDateTime: instant("2024-05-06T11:15:30.500Z"),
            transactionId: "6f3c2b1e-9d4a-4f0e-8c57-2a1b3c4d5e6f",
            message: MessageContent(format: .utf8, language: "de-CH", content: "Grüezi")))
        #expect(try decode(SetDisplayMessageRequest.self, json) == expected)
        #expect(
            try decode(GetDisplayMessagesRequest.self, #"{"id":[1,2],"requestId":9,"priority":"AlwaysFront","state":"Idle"}"#)
                == GetDisplayMessagesRequest(id: [1, 2], requestId: 9, priority: .alwaysFront, state: .idle))
        #expect(try decode(GetDisplayMessagesRequest.self, #"{"requestId":9}"#) == GetDisplayMessagesRequest(requestId: 9))
        #expect(payloadError(GetDisplayMessagesRequest.self, #"{"requestId":9,"id":[]}"#) != nil)
        #expect(try decode(ClearDisplayMessageRequest.self, #"{"id":4}"#) == ClearDisplayMessageRequest(id: 4))
    }

    @Test func getTransactionStatus() throws {
        let json = #"{"transactionId":"6f3c2b1e-9d4a-4f0e-8c57-2a1b3c4d5e6f"}"#
        let expected = GetTransactionStatusRequest(transactionId: "6f3c2b1e-9d4a-4f0e-8c57-2a1b3c4d5e6f")
        #expect(try decode(GetTransactionStatusRequest.self, json) == expected)
        #expect(try decode(GetTransactionStatusRequest.self, "{}") == GetTransactionStatusRequest())
    }

    @Test func requestStartTransactionWithAChargingProfile() throws {
        let json = """
            {"evseId":1,"groupIdToken":{"idToken":"FLEET-7","type":"Central"},
             "idToken":{"idToken":"app-user-81","type":"Central"},"remoteStartId":7001,
             "chargingProfile":{"id":12,"stackLevel":0,"chargingProfilePurpose":"TxProfile",
              "chargingProfileKind":"Relative","recurrencyKind":"Daily","validFrom":"2024-05-06T00:00:00Z",
              "validTo":"2024-05-07T00:00:00Z","chargingSchedule":[{"id":1,"startSchedule":"2024-05-06T10:00:00Z",
               "duration":3600,"chargingRateUnit":"A","chargingSchedulePeriod":[
                {"startPeriod":0,"limit":16.5,"numberPhases":1,"phaseToUse":2},{"startPeriod":1800,"limit":8}],
               "minChargingRate":6,"salesTariff":{"id":3,"salesTariffDescription":"night","numEPriceLevels":2,
                "salesTariffEntry":[{"relativeTimeInterval":{"start":0,"duration":1800},"ePriceLevel":1,
                 "consumptionCost":[{"startValue":0,"cost":[{"costKind":"RenewableGenerationPercentage",
                  "amount":40,"amountMultiplier":0}]}]}]}}]}}
            """
        let schedule = ChargingSchedule(
            id: 1, startSchedule: instant("2024-05-06T10:00:00Z"), duration: 3600, chargingRateUnit: .amperes,
            chargingSchedulePeriod: [
                ChargingSchedulePeriod(startPeriod: 0, limit: 16.5, numberPhases: 1, phaseToUse: 2),
                ChargingSchedulePeriod(startPeriod: 1800, limit: 8),
            ],
            minChargingRate: 6,
            salesTariff: SalesTariff(
                id: 3, salesTariffDescription: "night", numEPriceLevels: 2,
                salesTariffEntry: [
                    SalesTariffEntry(
                        relativeTimeInterval: RelativeTimeInterval(start: 0, duration: 1800), ePriceLevel: 1,
                        consumptionCost: [
                            ConsumptionCost(
                                startValue: 0,
                                cost: [Cost(costKind: .renewableGenerationPercentage, amount: 40, amountMultiplier: 0)])
                        ])
                ]))
        let expected = RequestStartTransactionRequest(
            evseId: 1, groupIdToken: IdToken(idToken: "FLEET-7", type: .central),
            idToken: IdToken(idToken: "app-user-81", type: .central), remoteStartId: 7001,
            chargingProfile: ChargingProfile(
                id: 12, stackLevel: 0, chargingProfilePurpose: .txProfile, chargingProfileKind: .relative,
                recurrencyKind: .daily, validFrom: instant("2024-05-06T00:00:00Z"),
                validTo: instant("2024-05-07T00:00:00Z"), chargingSchedule: [schedule]))
        #expect(try decode(RequestStartTransactionRequest.self, json) == expected)
    }

    @Test func requestStopTransaction() throws {
        let expected = RequestStopTransactionRequest(transactionId: "TX-0001")
        #expect(try decode(RequestStopTransactionRequest.self, #"{"transactionId":"TX-0001"}"#) == expected)
    }

    @Test func triggerMessage() throws {
        let json = #"{"evse":{"id":1,"connectorId":1},"requestedMessage":"StatusNotification"}"#
        let expected = TriggerMessageRequest(evse: EVSE(id: 1, connectorId: 1), requestedMessage: .statusNotification)
        #expect(try decode(TriggerMessageRequest.self, json) == expected)
    }

    @Test func unlockConnector() throws {
        let expected = UnlockConnectorRequest(evseId: 2, connectorId: 1)
        #expect(try decode(UnlockConnectorRequest.self, #"{"evseId":2,"connectorId":1}"#) == expected)
    }

    @Test func changeAvailability() throws {
        let json = #"{"evse":{"id":1},"operationalStatus":"Inoperative"}"#
        let expected = ChangeAvailabilityRequest(evse: EVSE(id: 1), operationalStatus: .inoperative)
        #expect(try decode(ChangeAvailabilityRequest.self, json) == expected)
        let wholeStation = ChangeAvailabilityRequest(operationalStatus: .operative)
        #expect(try decode(ChangeAvailabilityRequest.self, #"{"operationalStatus":"Operative"}"#) == wholeStation)
    }

    @Test func dataTransferCarriesAnyJSON() throws {
        let json = #"{"messageId":"SetTariff","data":{"price":0.25,"currency":["EUR"]},"vendorId":"com.example"}"#
        let expected = DataTransferRequest(
            vendorId: "com.example", messageId: "SetTariff",
            data: .object(["price": .number(0.25), "currency": .array([.string("EUR")])]))
        #expect(try decode(DataTransferRequest.self, json) == expected)
    }

    @Test func answersToTheStationsRequests() throws {
        let boot = #"{"currentTime":"2024-05-06T10:15:30.250Z","interval":300,"status":"Pending","#
            + #""statusInfo":{"reasonCode":"Maintenance","additionalInfo":"back soon"}}"#
        #expect(
            try decode(BootNotificationResponse.self, boot)
                == BootNotificationResponse(
                    currentTime: instant("2024-05-06T10:15:30.250Z"), interval: 300, status: .pending,
                    statusInfo: StatusInfo(reasonCode: "Maintenance", additionalInfo: "back soon")))
        #expect(
            try decode(HeartbeatResponse.self, #"{"currentTime":"2024-05-06T10:15:30+02:00"}"#)
                == HeartbeatResponse(currentTime: instant("2024-05-06T08:15:30Z")))
        #expect(
            try decode(
                AuthorizeResponse.self, #"{"idTokenInfo":{"status":"NotAtThisTime"},"certificateStatus":"Accepted"}"#)
                == AuthorizeResponse(idTokenInfo: IdTokenInfo(status: .notAtThisTime), certificateStatus: .accepted))
        let transaction = #"{"totalCost":12.5,"chargingPriority":2,"idTokenInfo":{"status":"Accepted"},"#
            + #""updatedPersonalMessage":{"format":"ASCII","content":"Cost so far EUR 12.50"}}"#
        #expect(
            try decode(TransactionEventResponse.self, transaction)
                == TransactionEventResponse(
                    totalCost: 12.5, chargingPriority: 2, idTokenInfo: IdTokenInfo(status: .accepted),
                    updatedPersonalMessage: MessageContent(format: .ascii, content: "Cost so far EUR 12.50")))
        #expect(try decode(TransactionEventResponse.self, "{}") == TransactionEventResponse())
        #expect(
            try decode(DataTransferResponse.self, #"{"status":"UnknownVendorId"}"#)
                == DataTransferResponse(status: .unknownVendorId))
        #expect(try decode(EmptyResponse.self, "{}") == EmptyResponse())
    }
}
