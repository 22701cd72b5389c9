import OCPP201
import Testing

/// Which CALLERROR a malformed payload earns, through `RPCErrorCode(PayloadError.Kind)` ([P4] Table 8 and the
/// reference's schema-failure mapping).
@Suite("Schema failures as CALLERROR codes")
struct PayloadErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let decodeFailure: @Sendable () -> PayloadError?
        let path: String
        let code: RPCErrorCode

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "unknown member",
            decodeFailure: { payloadError(ResetRequest.self, #"{"type":"Immediate","connectorId":1}"#) },
            path: "connectorId", code: .formatViolation),
        Case(
            name: "unknown member in a nested object",
            decodeFailure: {
                payloadError(TriggerMessageRequest.self, #"{"requestedMessage":"Heartbeat","evse":{"id":1,"x":2}}"#)
            },
            path: "evse.x", code: .formatViolation),
        Case(
            name: "payload not an object",
            decodeFailure: { payloadError(ResetRequest.self, #"["Immediate"]"#) },
            path: "", code: .formatViolation),
        Case(
            name: "missing required member",
            decodeFailure: { payloadError(UnlockConnectorRequest.self, #"{"evseId":1}"#) },
            path: "connectorId", code: .occurrenceConstraintViolation),
        Case(
            name: "missing required member of a nested object",
            decodeFailure: {
                payloadError(RequestStartTransactionRequest.self, #"{"idToken":{"idToken":"A"},"remoteStartId":1}"#)
            },
            path: "idToken.type", code: .occurrenceConstraintViolation),
        Case(
            name: "empty array where minItems is 1",
            decodeFailure: { payloadError(GetVariablesRequest.self, #"{"getVariableData":[]}"#) },
            path: "getVariableData", code: .occurrenceConstraintViolation),
        Case(
            name: "empty optional array where minItems is 1",
            decodeFailure: {
                payloadError(
                    SendLocalListRequest.self, #"{"localAuthorizationList":[],"versionNumber":1,"updateType":"Full"}"#)
            },
            path: "localAuthorizationList", code: .occurrenceConstraintViolation),
        Case(
            name: "wrong JSON type",
            decodeFailure: { payloadError(UnlockConnectorRequest.self, #"{"evseId":"1","connectorId":1}"#) },
            path: "evseId", code: .typeConstraintViolation),
        Case(
            name: "fraction where an integer is required",
            decodeFailure: {
                payloadError(GetBaseReportRequest.self, #"{"requestId":1.5,"reportBase":"FullInventory"}"#)
            },
            path: "requestId", code: .typeConstraintViolation),
        Case(
            name: "unknown enumeration value",
            decodeFailure: { payloadError(ResetRequest.self, #"{"type":"Hard"}"#) },
            path: "type", code: .propertyConstraintViolation),
        Case(
            name: "string above maxLength",
            decodeFailure: {
                let transactionId = String(repeating: "x", count: 37)
                return payloadError(RequestStopTransactionRequest.self, #"{"transactionId":"\#(transactionId)"}"#)
            },
            path: "transactionId", code: .propertyConstraintViolation),
        Case(
            name: "integer below the schema minimum",
            decodeFailure: {
                payloadError(SalesTariffEntry.self, #"{"relativeTimeInterval":{"start":0},"ePriceLevel":-1}"#)
            },
            path: "ePriceLevel", code: .propertyConstraintViolation),
        Case(
            name: "array above maxItems",
            decodeFailure: {
                let fiveCriteria = #"["Active","Available","Enabled","Problem","Active"]"#
                return payloadError(GetReportRequest.self, #"{"requestId":1,"componentCriteria":\#(fiveCriteria)}"#)
            },
            path: "componentCriteria", code: .propertyConstraintViolation),
        Case(
            name: "bad date-time",
            decodeFailure: { payloadError(HeartbeatResponse.self, #"{"currentTime":"yesterday"}"#) },
            path: "currentTime", code: .propertyConstraintViolation),
    ]

    @Test(arguments: cases)
    func mapsTheFailureToItsCode(_ testCase: Case) throws {
        let error = try #require(testCase.decodeFailure())
        #expect(error.path == testCase.path, "\(error)")
        #expect(RPCErrorCode(error.kind) == testCase.code, "\(error)")
    }

    @Test func acceptsTheSchemaLimitsThemselves() throws {
        let fourCriteria = #"{"requestId":1,"componentCriteria":["Active","Available","Enabled","Problem"]}"#
        #expect(try decode(GetReportRequest.self, fourCriteria).componentCriteria?.count == 4)
        let transactionId = String(repeating: "x", count: 36)
        let stop = try decode(RequestStopTransactionRequest.self, #"{"transactionId":"\#(transactionId)"}"#)
        #expect(stop.transactionId.value == transactionId)
        let entry = try decode(SalesTariffEntry.self, #"{"relativeTimeInterval":{"start":0},"ePriceLevel":0}"#)
        #expect(entry.ePriceLevel == 0)
    }
}

/// `customData` ([P4] §9): accepted and ignored wherever the schemas allow it (every object), refused where it
/// breaks CustomDataType, and never sent.
@Suite("customData")
struct CustomDataTests {
    @Test func isIgnoredAtTheTopLevelAndInNestedObjects() throws {
        let json = """
            {"customData":{"vendorId":"com.example","anything":[1,{"deep":true}]},
             "localAuthorizationList":[{"customData":{"vendorId":"com.example"},
               "idToken":{"idToken":"04A2","type":"ISO14443","customData":{"vendorId":"v","note":"n"},
                 "additionalInfo":[{"additionalIdToken":"C-1","type":"Contract","customData":{"vendorId":"v"}}]},
               "idTokenInfo":{"status":"Accepted","customData":{"vendorId":"v"},
                 "personalMessage":{"format":"UTF8","content":"Hi","customData":{"vendorId":"v"}}}}],
             "versionNumber":3,"updateType":"Full"}
            """
        let expected = SendLocalListRequest(
            localAuthorizationList: [
                AuthorizationData(
                    idToken: IdToken(
                        idToken: "04A2", type: .iso14443,
                        additionalInfo: [AdditionalInfo(additionalIdToken: "C-1", type: "Contract")]),
                    idTokenInfo: IdTokenInfo(
                        status: .accepted, personalMessage: MessageContent(format: .utf8, content: "Hi")))
            ],
            versionNumber: 3, updateType: .full)
        #expect(try decode(SendLocalListRequest.self, json) == expected)
    }

    @Test func isIgnoredInMessagesWithoutMembersAndInsideChargingProfiles() throws {
        #expect(try decode(ClearCacheRequest.self, #"{"customData":{"vendorId":"v"}}"#) == ClearCacheRequest())
        #expect(try decode(EmptyResponse.self, #"{"customData":{"vendorId":"v"}}"#) == EmptyResponse())
        let period = #"{"startPeriod":0,"limit":6,"customData":{"vendorId":"v"}}"#
        #expect(try decode(ChargingSchedulePeriod.self, period) == ChargingSchedulePeriod(startPeriod: 0, limit: 6))
    }

    /// CustomDataType requires `vendorId`; its absence is a missing member, so OccurrenceConstraintViolation.
    @Test func withoutVendorIdIsAMissingMember() throws {
        let error = try #require(
            payloadError(ResetRequest.self, #"{"type":"Immediate","customData":{"note":"no vendor"}}"#))
        #expect(error.kind == .missingField)
        #expect(error.path == "customData.vendorId")
        #expect(RPCErrorCode(error.kind) == .occurrenceConstraintViolation)
    }

    @Test func mustBeAnObjectWithAShortVendorId() throws {
        let notAnObject = try #require(payloadError(ResetRequest.self, #"{"type":"Immediate","customData":"v"}"#))
        #expect(notAnObject.path == "customData")
        #expect(RPCErrorCode(notAnObject.kind) == .typeConstraintViolation)
        let longVendorId = String(repeating: "v", count: 256)
        let tooLong = try #require(
            payloadError(ResetRequest.self, #"{"type":"Immediate","customData":{"vendorId":"\#(longVendorId)"}}"#))
        #expect(tooLong.path == "customData.vendorId")
        #expect(RPCErrorCode(tooLong.kind) == .propertyConstraintViolation)
    }

    @Test func isStillAnUnknownMemberUnderAnotherName() throws {
        let error = try #require(
            payloadError(ResetRequest.self, #"{"type":"Immediate","custom_data":{"vendorId":"v"}}"#))
        #expect(RPCErrorCode(error.kind) == .formatViolation)
    }

    /// The codec's allowance is opt-in: 1.6 messages, which declare nothing, keep rejecting the member.
    @Test func remainsUnknownForTypesThatDoNotDeclareIt() throws {
        struct UndeclaredPayload: Decodable {
            var type: String
        }
        let error = try #require(
            payloadError(UndeclaredPayload.self, #"{"type":"Immediate","customData":{"vendorId":"v"}}"#))
        #expect(error.kind == .unknownField)
        #expect(error.path == "customData")
    }

    @Test func isNotSentAfterARoundTrip() throws {
        let json = #"{"customData":{"vendorId":"v"},"status":"Accepted","#
            + #""statusInfo":{"reasonCode":"OK","customData":{"vendorId":"v"}}}"#
        let response = try decode(ClearCacheResponse.self, json)
        #expect(JSONWriter.string(response) == #"{"status":"Accepted","statusInfo":{"reasonCode":"OK"}}"#)
    }
}
