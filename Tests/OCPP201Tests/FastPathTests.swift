import Testing

@testable import OCPP201
import TestFixtures

/// The 2.0.1 messages that write their members themselves (`JSONObject`) must write what their `Encodable`
/// conformance writes, with every optional member set and with every one left out.
@Suite("2.0.1: hand-written JSON objects against Codable")
struct JSONObject201Tests {
    static let component = Component(name: "EVSE", instance: "main", evse: EVSE(id: 1, connectorId: 2))
    static let variable = Variable(name: "Power", instance: "Max")

    static let objects: [any JSONObject & Sendable] = [
        EVSE(id: 1, connectorId: 1), EVSE(id: 0),
        component, Component(name: "OCPPCommCtrlr"),
        variable, Variable(name: "HeartbeatInterval"),
        StatusInfo(reasonCode: "NotFound", additionalInfo: "no \"such\" variable"), StatusInfo(reasonCode: "x"),
        GetVariableResult(
            attributeStatus: .accepted, attributeType: .target, attributeValue: "300", component: component,
            variable: variable, attributeStatusInfo: StatusInfo(reasonCode: "r")),
        GetVariableResult(attributeStatus: .unknownVariable, component: Component(name: "C"), variable: Variable(name: "V")),
        GetVariablesResponse(getVariableResult: [
            GetVariableResult(attributeStatus: .accepted, attributeValue: "", component: component, variable: variable),
            GetVariableResult(attributeStatus: .rejected, component: Component(name: "C"), variable: Variable(name: "V")),
        ]),
        DataTransferResponse(status: .accepted, statusInfo: StatusInfo(reasonCode: "ok"),
                             data: .object(["b": .array([.integer(1), .number(0.5), .null]), "a": .string("x\ny"), "c": .bool(true)])),
        DataTransferResponse(status: .unknownVendorId),
        DataTransferResponse(status: .rejected, data: .null),
        token, IdToken(idToken: "T", type: .central), AdditionalInfo(additionalIdToken: "A", type: "B"),
        sampled, SampledValue(value: 0.1), SampledValue(value: 12),
        SignedMeterValue(signedMeterData: "d", signingMethod: "m", encodingMethod: "e", publicKey: "k"),
        UnitOfMeasure(), meterValue,
        Transaction(transactionId: "t1", chargingState: .charging, timeSpentCharging: 60, stoppedReason: .local,
                    remoteStartId: 7),
        Transaction(transactionId: "t1"),
        TransactionEventRequest(
            eventType: .started, meterValue: [meterValue], timestamp: time, triggerReason: .authorized, seqNo: 0,
            offline: true, numberOfPhasesUsed: 3, cableMaxCurrent: 32, reservationId: 4,
            transactionInfo: Transaction(transactionId: "t1", chargingState: .evConnected),
            evse: EVSE(id: 1, connectorId: 1), idToken: token),
        TransactionEventRequest(
            eventType: .ended, timestamp: time, triggerReason: .evCommunicationLost, seqNo: 9,
            transactionInfo: Transaction(transactionId: "t1", stoppedReason: .evDisconnected)),
        StatusNotificationRequest(timestamp: time, connectorStatus: .occupied, evseId: 2, connectorId: 1),
        MeterValuesRequest(evseId: 0, meterValue: [meterValue]),
        HeartbeatRequest(), EmptyResponse(),
    ]

    static let time = Timestamp(millisecondsSince1970: 1_800_000_000_123)
    static let token = IdToken(idToken: "TAG1", type: .iso14443, additionalInfo: [AdditionalInfo(additionalIdToken: "c", type: "x")])
    static let sampled = SampledValue(
        value: 1234.5, context: .samplePeriodic, measurand: .energyActiveImportRegister, phase: .l1, location: .outlet,
        signedMeterValue: SignedMeterValue(signedMeterData: "d", signingMethod: "m", encodingMethod: "e", publicKey: "k"),
        unitOfMeasure: UnitOfMeasure(unit: "kWh", multiplier: 3))
    static let meterValue = MeterValue(sampledValue: [sampled, SampledValue(value: 0)], timestamp: time)

    @Test("the same bytes as through Encodable", arguments: 0..<objects.count)
    func sameBytes(index: Int) {
        let object = Self.objects[index]
        #expect(JSONWriter.encode(object) == JSONWriter.throughEncoder(object), "\(object)")
    }
}

/// The 2.0.1 payloads read straight from the JSON tree (`JSONFastDecodable`) must read what the strict decoder
/// reads, and must leave everything it refuses to it, `customData` included.
@Suite("2.0.1: fast reads against the strict decoder")
struct JSONFastDecodable201Tests {
    static let heartbeat = #"{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}"#

    static let cases: [FastReadCase] = [
        FastReadCase(type: EVSE.self, json: #"{"id":1}"#, fast: true),
        FastReadCase(type: EVSE.self, json: #"{"id":1,"connectorId":2}"#, fast: true),
        FastReadCase(type: EVSE.self, json: #"{"id":1.5}"#, fast: false),
        FastReadCase(type: EVSE.self, json: #"{"id":1,"connectorId":null}"#, fast: false),
        FastReadCase(type: EVSE.self, json: #"{"id":1,"customData":{"vendorId":"v"}}"#, fast: false),
        FastReadCase(type: Component.self, json: #"{"name":"EVSE","instance":"1","evse":{"id":1}}"#, fast: true),
        FastReadCase(type: Component.self, json: #"{"name":"\#(String(repeating: "n", count: 51))"}"#, fast: false),
        FastReadCase(type: Component.self, json: #"{"name":"EVSE","evse":{"id":"1"}}"#, fast: false),
        FastReadCase(type: Component.self, json: #"{"instance":"1"}"#, fast: false),
        FastReadCase(type: Variable.self, json: #"{"name":"Power","instance":"Max"}"#, fast: true),
        FastReadCase(type: Variable.self, json: #"{"name":"Power","unit":"W"}"#, fast: false),
        FastReadCase(type: GetVariableData.self, json: heartbeat, fast: true),
        FastReadCase(type: GetVariableData.self,
             json: #"{"attributeType":"Target","component":{"name":"C"},"variable":{"name":"V"}}"#, fast: true),
        FastReadCase(type: GetVariableData.self,
             json: #"{"attributeType":"target","component":{"name":"C"},"variable":{"name":"V"}}"#, fast: false),
        FastReadCase(type: GetVariableData.self, json: #"{"component":{"name":"C"}}"#, fast: false),
        FastReadCase(type: GetVariablesRequest.self, json: #"{"getVariableData":[\#(heartbeat),\#(heartbeat)]}"#, fast: true),
        FastReadCase(type: GetVariablesRequest.self, json: #"{"getVariableData":[]}"#, fast: false),
        FastReadCase(type: GetVariablesRequest.self, json: #"{"getVariableData":[\#(heartbeat),1]}"#, fast: false),
        FastReadCase(type: GetVariablesRequest.self,
             json: #"{"getVariableData":[\#(heartbeat)],"customData":{"vendorId":"v"}}"#, fast: false),
        FastReadCase(type: OCPP201.DataTransferRequest.self, json: #"{"vendorId":"com.example"}"#, fast: true),
        FastReadCase(type: OCPP201.DataTransferRequest.self,
             json: #"{"vendorId":"com.example","messageId":"m","data":{"a":[1,"x",null]}}"#, fast: true),
        FastReadCase(type: OCPP201.DataTransferRequest.self, json: #"{"vendorId":"com.example","data":"text"}"#, fast: true),
        FastReadCase(type: OCPP201.DataTransferRequest.self, json: #"{"vendorId":"com.example","data":null}"#, fast: false),
        FastReadCase(type: OCPP201.DataTransferRequest.self, json: #"{"vendorId":"com.example","messageId":7}"#, fast: false),
        FastReadCase(type: OCPP201.DataTransferRequest.self, json: #"{"data":"text"}"#, fast: false),
        FastReadCase(type: EmptyResponse.self, json: #"{}"#, fast: true),
        FastReadCase(type: EmptyResponse.self, json: #"{"customData":{"vendorId":"v"}}"#, fast: false),
        FastReadCase(type: EmptyResponse.self, json: #"{"status":"Accepted"}"#, fast: false),
        FastReadCase(type: HeartbeatResponse.self, json: #"{"currentTime":"2027-01-15T08:00:00.000Z"}"#, fast: true),
        FastReadCase(type: HeartbeatResponse.self, json: #"{"currentTime":"yesterday"}"#, fast: false),
        FastReadCase(type: IdToken.self, json: #"{"idToken":"TAG1","type":"ISO14443"}"#, fast: true),
        FastReadCase(type: IdToken.self, json: #"{"idToken":"TAG1","type":"RFID"}"#, fast: false),
        FastReadCase(type: IdToken.self,
             json: #"{"idToken":"TAG1","type":"ISO14443","additionalInfo":[{"additionalIdToken":"a","type":"b"}]}"#,
             fast: false),
        FastReadCase(type: IdTokenInfo.self, json: #"{"status":"Accepted"}"#, fast: true),
        FastReadCase(type: IdTokenInfo.self,
             json: #"{"status":"Blocked","cacheExpiryDateTime":"2027-01-15T08:00:00Z","chargingPriority":-3,"language1":"en","evseId":[1,2],"groupIdToken":{"idToken":"G","type":"Central"},"language2":"de"}"#,
             fast: true),
        FastReadCase(type: IdTokenInfo.self, json: #"{"status":"Accepted","evseId":[]}"#, fast: false),
        FastReadCase(type: IdTokenInfo.self, json: #"{"status":"Accepted","evseId":[1.5]}"#, fast: false),
        FastReadCase(type: IdTokenInfo.self, json: #"{"status":"Accepted","language1":"123456789"}"#, fast: false),
        FastReadCase(type: IdTokenInfo.self,
             json: #"{"status":"Accepted","personalMessage":{"format":"UTF8","content":"hi"}}"#, fast: false),
        FastReadCase(type: IdTokenInfo.self, json: #"{"status":"accepted"}"#, fast: false),
        FastReadCase(type: TransactionEventResponse.self, json: #"{}"#, fast: true),
        FastReadCase(type: TransactionEventResponse.self, json: #"{"totalCost":12}"#, fast: true),
        FastReadCase(type: TransactionEventResponse.self,
             json: #"{"totalCost":1.25,"chargingPriority":2,"idTokenInfo":{"status":"Invalid"}}"#, fast: true),
        FastReadCase(type: TransactionEventResponse.self, json: #"{"totalCost":"12"}"#, fast: false),
        FastReadCase(type: TransactionEventResponse.self,
             json: #"{"updatedPersonalMessage":{"format":"ASCII","content":"bye"}}"#, fast: false),
        FastReadCase(type: TransactionEventResponse.self, json: #"{"idTokenInfo":{}}"#, fast: false),
    ]

    @Test("a fast read is the strict read, and only the everyday shapes are read fast", arguments: cases)
    func sameAsStrict(_ sample: FastReadCase) throws {
        try sample.check()
    }
}
