import EngineSupport
import OCPP201
import Testing

@testable import Station201

/// One element of `getVariableData` or `setVariableData` as the CSMS writes it; `connector` needs `evse`.
private func variableData(
    _ component: String, _ variable: String, variableInstance: String? = nil, evse: Int? = nil,
    connector: Int? = nil, attributeType: String? = nil, value: String? = nil
) -> String {
    var componentFields = [#""name":"\#(component)""#]
    if let evse {
        componentFields.append(connector.map { #""evse":{"id":\#(evse),"connectorId":\#($0)}"# } ?? #""evse":{"id":\#(evse)}"#)
    }
    var variableFields = [#""name":"\#(variable)""#]
    if let variableInstance { variableFields.append(#""instance":"\#(variableInstance)""#) }
    var fields = [
        #""component":{\#(componentFields.joined(separator: ","))}"#,
        #""variable":{\#(variableFields.joined(separator: ","))}"#,
    ]
    if let attributeType { fields.append(#""attributeType":"\#(attributeType)""#) }
    if let value { fields.append(#""attributeValue":"\#(value)""#) }
    return "{\(fields.joined(separator: ","))}"
}

extension Harness {
    @discardableResult
    mutating func getVariables(_ items: [String]) -> String {
        call("GetVariables", #"{"getVariableData":[\#(items.joined(separator: ","))]}"#)
    }

    @discardableResult
    mutating func setVariables(_ items: [String]) -> String {
        call("SetVariables", #"{"setVariableData":[\#(items.joined(separator: ","))]}"#)
    }

    /// The elements of the answer's array `member` (getVariableResult, setVariableResult).
    func results(answering messageId: String, _ member: String) -> [JSONValue] {
        guard case .array(let items)? = result(answering: messageId)?[member] else { return [] }
        return items
    }

    /// Position of the first frame sent whose text contains `fragment`, for order checks.
    func sendPosition(containing fragment: String) -> Int? {
        position { if case .send(let text) = $0 { text.contains(fragment) } else { false } }
    }

    /// The NotifyReport parts of `requestId`, decoded, in the order they were sent.
    func reportParts(_ requestId: Int) throws -> [NotifyReportRequest] {
        try calls("NotifyReport")
            .map { call throws in try StrictJSON.decode(NotifyReportRequest.self, from: call.payload) }
            .filter { $0.requestId == requestId }
    }

    /// Every variable the NotifyReport parts of `requestId` list, in order.
    func reportedAddresses(_ requestId: Int) throws -> [VariableAddress] {
        try reportParts(requestId).flatMap { $0.reportData ?? [] }.map { VariableAddress($0.component, $0.variable) }
    }
}

/// [B06] GetVariables through the engine: one result per element, in order, and the limits of DeviceDataCtrlr.
@Suite struct GetVariablesTests {
    /// [B06.FR.01–03]: one result, the address echoed, attributeType Actual though the request left it out.
    @Test func TC_B_06_CS_aSingleValueIsAnsweredWithItsAddressAndActual() {
        var harness = Harness(evses: 1)
        harness.boot(interval: 120)
        let id = harness.getVariables([variableData("OCPPCommCtrlr", "HeartbeatInterval")])
        let results = harness.results(answering: id, "getVariableResult")
        #expect(results.count == 1)
        #expect(results.first?["attributeStatus"] == .string("Accepted"))
        #expect(results.first?["attributeType"] == .string("Actual"))
        #expect(results.first?["attributeValue"] == .string("120"))
        #expect(results.first?["component"]?["name"] == .string("OCPPCommCtrlr"))
        #expect(results.first?["variable"]?["name"] == .string("HeartbeatInterval"))
    }

    /// [B06.FR.01–03]: as many results as elements, in the order asked, each answering its own element.
    @Test func TC_B_07_CS_multipleValuesKeepTheirOrderWithOneResultEach() throws {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.getVariables([
            variableData("OCPPCommCtrlr", "OfflineThreshold"),
            variableData("OCPPCommCtrlr", "MessageTimeout", variableInstance: "Default", attributeType: "Actual"),
            variableData("Connector", "ConnectorType", evse: 1, connector: 1),
            variableData("OCPPCommCtrlr", "HeartbeatInterval"),
        ])
        let results = harness.results(answering: id, "getVariableResult")
        try #require(results.count == 4)
        #expect(results.map { $0["attributeValue"] } == [.string("60"), .string("30"), .string("cType2"), .string("300")])
        #expect(results.allSatisfy { $0["attributeStatus"] == .string("Accepted") && $0["attributeType"] == .string("Actual") })
        #expect(results[1]["variable"]?["instance"] == .string("Default"))
        #expect(results[2]["component"]?["evse"]?["connectorId"] == .integer(1))
    }

    /// [B06.FR.06]: no value with the status.
    @Test func TC_B_32_CS_anUnknownComponentIsUnknownComponent() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.getVariables([
            variableData("FluxCapacitorCtrlr", "HeartbeatInterval"),
            variableData("EVSE", "Power", evse: 3),
        ])
        let results = harness.results(answering: id, "getVariableResult")
        #expect(results.map { $0["attributeStatus"] } == [.string("UnknownComponent"), .string("UnknownComponent")])
        #expect(results.allSatisfy { $0["attributeValue"] == nil })
    }

    /// [B06.FR.07]
    @Test func TC_B_33_CS_aKnownComponentWithAnUnknownVariableIsUnknownVariable() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.getVariables([variableData("OCPPCommCtrlr", "WarpFactor")])
        let result = harness.results(answering: id, "getVariableResult").first
        #expect(result?["attributeStatus"] == .string("UnknownVariable"))
        #expect(result?["attributeValue"] == nil)
    }

    /// [B06.FR.08]: controllers have the Actual attribute only [P1 §4.3].
    @Test func TC_B_34_CS_attributeTypeTargetIsNotSupportedAttributeType() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.getVariables([variableData("OCPPCommCtrlr", "HeartbeatInterval", attributeType: "Target")])
        let result = harness.results(answering: id, "getVariableResult").first
        #expect(result?["attributeStatus"] == .string("NotSupportedAttributeType"))
        #expect(result?["attributeType"] == .string("Target"))
        #expect(result?["attributeValue"] == nil)
    }

    /// [B06.FR.14/15]: a variable that exists only with instances, asked for without one, is unknown.
    @Test func aVariableThatOnlyExistsWithAnInstanceIsUnknownWithoutOne() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.getVariables([
            variableData("OCPPCommCtrlr", "MessageTimeout"),
            variableData("DeviceDataCtrlr", "ItemsPerMessage"),
            variableData("DeviceDataCtrlr", "ItemsPerMessage", variableInstance: "Nonsense"),
            variableData("DeviceDataCtrlr", "ItemsPerMessage", variableInstance: "GetVariables"),
        ])
        let results = harness.results(answering: id, "getVariableResult")
        #expect(results.map { $0["attributeStatus"] } == [
            .string("UnknownVariable"), .string("UnknownVariable"), .string("UnknownVariable"), .string("Accepted"),
        ])
    }

    /// Names compare case-insensitively [P1 §4]; the answer echoes them as asked.
    @Test func componentAndVariableNamesAreFoundWhateverTheirCase() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.getVariables([variableData("ocppcommctrlr", "HEARTBEATINTERVAL")])
        let result = harness.results(answering: id, "getVariableResult").first
        #expect(result?["attributeStatus"] == .string("Accepted"))
        #expect(result?["component"]?["name"] == .string("ocppcommctrlr"))
    }

    @Test func clockDateTimeIsTheWallClockWhenAsked() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.answerAll()
        harness.advance(by: .seconds(90))
        let id = harness.getVariables([variableData("ClockCtrlr", "DateTime")])
        let result = harness.results(answering: id, "getVariableResult").first
        #expect(result?["attributeValue"] == .string("2027-01-15T08:01:30.000Z"))
        #expect(result?["attributeValue"] == .string(Timestamp(millisecondsSince1970: harness.wallClock).description))
    }

    /// AvailabilityState follows ChangeAvailability at every tier; the station's only when it was changed itself.
    @Test func availabilityStateIsTheStateOfItsTierNow() {
        var harness = Harness(evses: 2)
        harness.boot()
        harness.answerAll()
        let asked = [
            variableData("ChargingStation", "AvailabilityState"),
            variableData("EVSE", "AvailabilityState", evse: 1),
            variableData("EVSE", "AvailabilityState", evse: 2),
            variableData("Connector", "AvailabilityState", evse: 2, connector: 1),
        ]
        let before = harness.getVariables(asked)
        #expect(harness.results(answering: before, "getVariableResult").map { $0["attributeValue"] } == Array(
            repeating: .string("Available"), count: 4))
        harness.call("ChangeAvailability", #"{"operationalStatus":"Inoperative","evse":{"id":2}}"#)
        harness.answerAll()
        let after = harness.getVariables(asked)
        #expect(harness.results(answering: after, "getVariableResult").map { $0["attributeValue"] } == [
            .string("Available"), .string("Available"), .string("Unavailable"), .string("Unavailable"),
        ])
    }

    /// Beyond ItemsPerMessage[GetVariables], 100 here, the whole request is refused [B06.FR.16]
    /// (TC_B_08_CSMS is the central system's side of this scenario).
    @Test func moreItemsThanItemsPerMessageIsOccurrenceConstraintViolation() {
        var harness = Harness(evses: 1)
        harness.boot()
        let item = variableData("OCPPCommCtrlr", "HeartbeatInterval")
        let atTheLimit = harness.getVariables(Array(repeating: item, count: 100))
        #expect(harness.results(answering: atTheLimit, "getVariableResult").count == 100)
        let beyond = harness.getVariables(Array(repeating: item, count: 101))
        #expect(harness.errorCode(answering: beyond) == "OccurrenceConstraintViolation")
    }

    /// [B06.FR.17]: the limit is on the frame, and it is checked before the payload's schema.
    @Test func moreBytesThanBytesPerMessageIsFormatViolation() {
        var harness = Harness(evses: 1)
        harness.boot()
        let huge = variableData(String(repeating: "X", count: 65_536), "HeartbeatInterval")
        let id = harness.getVariables([huge])
        #expect(harness.errorCode(answering: id) == "FormatViolation")
    }

    /// Only writable variables are restored: a stored value of a ReadOnly one (a constant of an earlier
    /// release, or a hand-edited store) does not override the station's constants.
    @Test func restoredValuesOfReadOnlyVariablesAreIgnored() {
        var harness = Harness(evses: 1, persisted: PersistedState(variables: [
            StandardVariables.itemsPerMessageGetVariables.address: "2",
        ]))
        harness.boot()
        let item = variableData("OCPPCommCtrlr", "HeartbeatInterval")
        let three = harness.getVariables([item, item, item])
        #expect(harness.results(answering: three, "getVariableResult").count == 3)
    }
}

/// [B05] SetVariables through the engine: checked, persisted before the answer, applied after it.
@Suite struct SetVariablesTests {
    /// [B05.FR.01–03]; the value is persisted before the answer leaves, and reads back.
    @Test func TC_B_09_CS_aSingleValueIsAcceptedPersistedBeforeTheAnswerAndReadable() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.answerAll()
        let id = harness.setVariables([variableData("OCPPCommCtrlr", "OfflineThreshold", value: "300")])
        let result = harness.results(answering: id, "setVariableResult").first
        #expect(result?["attributeStatus"] == .string("Accepted"))
        #expect(result?["attributeType"] == .string("Actual"))
        #expect(result?["variable"]?["name"] == .string("OfflineThreshold"))
        let persisted = harness.position { $0 == .persist([.variable(StandardVariables.offlineThreshold.address, "300")]) }
        let answered = harness.sendPosition(containing: id)
        #expect(persisted != nil && answered != nil)
        #expect(persisted! < answered!)
        let read = harness.getVariables([variableData("OCPPCommCtrlr", "OfflineThreshold")])
        #expect(harness.results(answering: read, "getVariableResult").first?["attributeValue"] == .string("300"))
    }

    /// [B05.FR.01–03]: one result per element, in order; a refused element does not stop the others.
    @Test func TC_B_10_CS_multipleValuesAreEachAnsweredInOrder() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.answerAll()
        harness.effects.removeAll()  // the boot persisted its HeartbeatInterval
        let id = harness.setVariables([
            variableData("OCPPCommCtrlr", "OfflineThreshold", attributeType: "Actual", value: "123"),
            variableData("OCPPCommCtrlr", "HeartbeatInterval", value: "0"),
            variableData("ClockCtrlr", "TimeSource", value: "Heartbeat"),
        ])
        let results = harness.results(answering: id, "setVariableResult")
        #expect(results.map { $0["attributeStatus"] } == [.string("Accepted"), .string("Rejected"), .string("Accepted")])
        #expect(results.map { $0["variable"]?["name"] } == [
            .string("OfflineThreshold"), .string("HeartbeatInterval"), .string("TimeSource"),
        ])
        #expect(harness.persisted.contains(.variable(StandardVariables.offlineThreshold.address, "123")))
        #expect(harness.persisted.contains(.variable(StandardVariables.timeSource.address, "Heartbeat")))
        #expect(!harness.persisted.contains { if case .variable(StandardVariables.heartbeatInterval.address, _) = $0 { true } else { false } })
        #expect(harness.engine.deviceModel.integer(StandardVariables.heartbeatInterval) == 300)
    }

    /// [B05.FR.08]: nothing stored, nothing persisted.
    @Test func TC_B_39_CS_aReadOnlyVariableIsRejectedWithReasonReadOnly() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.effects.removeAll()  // the boot persisted its HeartbeatInterval
        let id = harness.setVariables([
            variableData("OCPPCommCtrlr", "MessageTimeout", variableInstance: "Default", value: "10"),
            variableData("ClockCtrlr", "DateTime", value: "2027-01-15T08:00:00.000Z"),
        ])
        let results = harness.results(answering: id, "setVariableResult")
        #expect(results.map { $0["attributeStatus"] } == [.string("Rejected"), .string("Rejected")])
        #expect(results.map { $0["attributeStatusInfo"]?["reasonCode"] } == [.string("ReadOnly"), .string("ReadOnly")])
        #expect(harness.engine.messageTimeoutSeconds == 30)
        #expect(!harness.persisted.contains { if case .variable = $0 { true } else { false } })
    }

    /// [B05.FR.07]: a value that is not of the variable's type is InvalidValue.
    @Test func TC_B_11_CS_invalidlyFormattedValuesAreRejectedWithReasonInvalidValue() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.setVariables([
            variableData("OCPPCommCtrlr", "HeartbeatInterval", value: "abc"),
            variableData("OCPPCommCtrlr", "OfflineThreshold", value: "1.5"),
            variableData("ClockCtrlr", "TimeSource", value: "Heartbeat,Sundial"),
        ])
        let results = harness.results(answering: id, "setVariableResult")
        #expect(results.map { $0["attributeStatus"] } == Array(repeating: .string("Rejected"), count: 3))
        #expect(results.map { $0["attributeStatusInfo"]?["reasonCode"] } == Array(repeating: .string("InvalidValue"), count: 3))
        #expect(harness.engine.deviceModel.integer(StandardVariables.heartbeatInterval) == 300)
    }

    /// [B05.FR.07]; WebSocketPingInterval below 0 is refused [P4 §8.4], 0 (no pings) is not.
    @Test func valuesOutOfRangeAreRejectedWithReasonValueOutOfRange() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.setVariables([
            variableData("OCPPCommCtrlr", "HeartbeatInterval", value: "0"),
            variableData("OCPPCommCtrlr", "WebSocketPingInterval", value: "-1"),
            variableData("OCPPCommCtrlr", "WebSocketPingInterval", value: "0"),
        ])
        let results = harness.results(answering: id, "setVariableResult")
        #expect(results.map { $0["attributeStatus"] } == [.string("Rejected"), .string("Rejected"), .string("Accepted")])
        #expect(results.map { $0["attributeStatusInfo"]?["reasonCode"] } == [.string("ValueOutOfRange"), .string("ValueOutOfRange"), nil])
    }

    /// [B05.FR.04–06], the same statuses as GetVariables.
    @Test func TC_B_35_CS_anUnknownComponentIsUnknownComponent() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.effects.removeAll()  // the boot persisted its HeartbeatInterval
        let id = harness.setVariables([variableData("FluxCapacitorCtrlr", "HeartbeatInterval", value: "10")])
        #expect(harness.results(answering: id, "setVariableResult").first?["attributeStatus"] == .string("UnknownComponent"))
        #expect(harness.persisted.isEmpty)
    }

    @Test func TC_B_36_CS_anUnknownVariableIsUnknownVariable() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.setVariables([
            variableData("OCPPCommCtrlr", "WarpFactor", value: "10"),
            variableData("DeviceDataCtrlr", "ItemsPerMessage", value: "10"),
        ])
        #expect(harness.results(answering: id, "setVariableResult").map { $0["attributeStatus"] } == [
            .string("UnknownVariable"), .string("UnknownVariable"),
        ])
    }

    @Test func TC_B_37_CS_attributeTypeTargetIsNotSupportedAttributeType() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.setVariables([variableData("OCPPCommCtrlr", "HeartbeatInterval", attributeType: "Target", value: "10")])
        let result = harness.results(answering: id, "setVariableResult").first
        #expect(result?["attributeStatus"] == .string("NotSupportedAttributeType"))
        #expect(result?["attributeType"] == .string("Target"))
        #expect(harness.engine.deviceModel.integer(StandardVariables.heartbeatInterval) == 300)
    }

    /// Websocket options change after the answer is sent [EV provisioning].
    @Test func aNewWebSocketPingIntervalIsAppliedAfterTheAnswer() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.setVariables([variableData("OCPPCommCtrlr", "WebSocketPingInterval", value: "10")])
        let answered = harness.sendPosition(containing: id)
        let applied = harness.position { $0 == .setPingInterval(seconds: 10) }
        #expect(answered != nil && applied != nil)
        #expect(answered! < applied!)
        #expect(harness.persisted.contains(.variable(StandardVariables.webSocketPingInterval.address, "10")))
    }

    /// A refused or unchanged-type write sets nothing in motion.
    @Test func aRefusedWebSocketPingIntervalChangesNoPingInterval() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.setVariables([variableData("OCPPCommCtrlr", "WebSocketPingInterval", value: "-1")])
        #expect(!harness.effects.contains { if case .setPingInterval = $0 { true } else { false } })
    }

    /// Nothing acknowledged is lost: a write through the API is committed before its caller hears of it,
    /// and the ping interval it changes is applied after that.
    @Test func aWriteThroughTheAPIIsCommittedBeforeItIsAnswered() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.effects.removeAll()
        let address = StandardVariables.webSocketPingInterval.address
        #expect(harness.command(.setVariable(address, value: "12")) != nil)
        let committed = harness.position { $0 == .persist([.variable(address, "12")]) }
        let answered = harness.position { if case .reply = $0 { true } else { false } }
        let applied = harness.position { $0 == .setPingInterval(seconds: 12) }
        #expect(committed != nil && answered != nil && applied != nil)
        #expect(committed! < answered! && answered! < applied!)
    }

    /// [P4] §5.3: the link takes the new back-off after the answer, with all three variables as they stand.
    @Test func aNewRetryBackOffIsAppliedAfterTheAnswer() {
        var harness = Harness(evses: 1)
        harness.boot()
        let id = harness.setVariables([
            variableData("OCPPCommCtrlr", "RetryBackOffWaitMinimum", value: "10"),
            variableData("OCPPCommCtrlr", "RetryBackOffRandomRange", value: "0"),
            variableData("OCPPCommCtrlr", "RetryBackOffRepeatTimes", value: "99"),
        ])
        #expect(harness.results(answering: id, "setVariableResult").map { $0["attributeStatus"] } == [
            .string("Accepted"), .string("Accepted"), .string("Rejected"),
        ])
        let answered = harness.sendPosition(containing: id)
        let applied = harness.effects.lastIndex {
            $0 == .setReconnectBackoff(ReconnectBackoff(waitMinimum: 10, randomRange: 0, repeatTimes: 5))
        }
        #expect(answered != nil && applied != nil)
        #expect(answered! < applied!)
        #expect(harness.engine.reconnectBackoff == ReconnectBackoff(waitMinimum: 10, randomRange: 0, repeatTimes: 5))
    }

    /// The heartbeat waits the new interval, counted from the change, not the old one [G02].
    @Test func aNewHeartbeatIntervalReschedulesTheHeartbeat() {
        var harness = Harness(evses: 1)
        harness.boot(interval: 300)
        harness.answerAll()
        harness.advance(by: .seconds(100))
        harness.setVariables([variableData("OCPPCommCtrlr", "HeartbeatInterval", value: "20")])
        harness.advance(by: .seconds(19))
        #expect(harness.calls("Heartbeat").isEmpty)
        harness.advance(by: .seconds(1))
        #expect(harness.calls("Heartbeat").count == 1)
        harness.answerOutstanding(#"{"currentTime":"2027-01-15T08:02:00.000Z"}"#)
        harness.advance(by: .seconds(20))
        #expect(harness.calls("Heartbeat").count == 2)
    }

    /// ItemsPerMessage[SetVariables] bounds SetVariables as GetVariables' does GetVariables; nothing is written.
    @Test func moreItemsThanItemsPerMessageIsRefusedAndWritesNothing() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.effects.removeAll()  // the boot persisted its HeartbeatInterval
        let item = variableData("OCPPCommCtrlr", "OfflineThreshold", value: "99")
        let id = harness.setVariables(Array(repeating: item, count: 101))
        #expect(harness.errorCode(answering: id) == "OccurrenceConstraintViolation")
        #expect(harness.engine.deviceModel.integer(StandardVariables.offlineThreshold) == 60)
        #expect(harness.persisted.isEmpty)
    }
}

/// The value checks SetVariables applies, on `ValueType` itself.
@Suite struct ValueTypeTests {
    @Test func booleansAreCanonicallyLowerCase() {
        #expect(ValueType.boolean.canonical("TRUE") == .success("true"))
        #expect(ValueType.boolean.canonical("False") == .success("false"))
        #expect(ValueType.boolean.canonical("maybe") == .failure(.invalidValue("expected true or false")))
        #expect(ValueType.boolean.canonical("1").failureReason == "InvalidValue")
    }

    @Test func integersAreWholeNumbersWithinTheirLimits() {
        let type = ValueType.integer(minimum: 1, maximum: 10)
        #expect(type.canonical("007") == .success("7"))
        #expect(type.canonical("abc").failureReason == "InvalidValue")
        #expect(type.canonical("2.0").failureReason == "InvalidValue")
        #expect(type.canonical("0").failureReason == "ValueOutOfRange")
        #expect(type.canonical("11").failureReason == "ValueOutOfRange")
        #expect(type.canonical("10") == .success("10"))
    }

    @Test func aSequenceListIsAnOrderedSubsetWithoutRepeats() {
        let type = ValueType.sequenceList(["Heartbeat", "NTP", "GPS"])
        #expect(type.canonical("NTP,Heartbeat") == .success("NTP,Heartbeat"), "the order is the value")
        #expect(type.canonical("Heartbeat,Sundial").failureReason == "InvalidValue")
        #expect(type.canonical("NTP,NTP").failureReason == "InvalidValue")
        #expect(type.canonical("heartbeat").failureReason == "InvalidValue", "members are spelled as in valuesList")
        #expect(type.canonical("NTP,").failureReason == "InvalidValue", "an empty member is not a member")
        #expect(type.canonical("").failureReason == "InvalidValue", "a sequence of preference is never empty")
    }

    @Test func aMemberListIsAnySubsetWithoutRepeats() {
        let type = ValueType.memberList(["A", "B", "C"])
        #expect(type.canonical("C,A") == .success("C,A"))
        #expect(type.canonical("A,D").failureReason == "InvalidValue")
        #expect(type.canonical("B,C,B").failureReason == "InvalidValue")
        #expect(type.canonical("") == .success(""))
    }

    @Test func anOptionListTakesExactlyOneOfItsValues() {
        let type = ValueType.optionList(["Available", "Unavailable"])
        #expect(type.canonical("Unavailable") == .success("Unavailable"))
        #expect(type.canonical("Available,Unavailable").failureReason == "InvalidValue")
        #expect(type.canonical("").failureReason == "InvalidValue")
    }

    @Test func stringsAreBoundByTheirLengthInBytes() {
        let type = ValueType.string(maximumLength: 4)
        #expect(type.canonical("abcd") == .success("abcd"))
        #expect(type.canonical("abcde").failureReason == "ValueOutOfRange")
    }
}

extension Result<String, ValueRefusal> {
    /// The reasonCode SetVariables would answer.
    fileprivate var failureReason: String? {
        if case .failure(let refusal) = self { return refusal.reasonCode }
        return nil
    }
}

/// [B07] GetBaseReport and [B08] GetReport: the answer first, then the NotifyReport parts.
@Suite struct ReportTests {
    /// [B07.FR.07]: every variable an operator can set, with its characteristics.
    @Test func TC_B_12_CS_configurationInventoryListsTheWritableVariablesWithCharacteristics() throws {
        var harness = Harness(evses: 2)
        harness.boot()
        harness.answerAll()
        let id = harness.call("GetBaseReport", #"{"requestId":12,"reportBase":"ConfigurationInventory"}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        harness.answerAll()
        let data = try harness.reportParts(12).flatMap { $0.reportData ?? [] }
        let writable = harness.engine.deviceModel.descriptors.filter { $0.mutability != .readOnly }
        #expect(!writable.isEmpty)
        #expect(data.map { VariableAddress($0.component, $0.variable) } == writable.map(\.address))
        for (item, descriptor) in zip(data, writable) {
            // WriteOnly (BasicAuthPassword) is reported as such, without its value [B07.FR.03].
            let writeOnly = descriptor.mutability == .writeOnly
            #expect(item.variableAttribute.first?.mutability == (writeOnly ? .writeOnly : .readWrite))
            if writeOnly { #expect(item.variableAttribute.first?.value == nil) }
            #expect(item.variableAttribute.first?.persistent == true)
            #expect(item.variableCharacteristics != nil)
        }
        let heartbeat = data.first { $0.variable.name.value == "HeartbeatInterval" }
        #expect(heartbeat?.variableAttribute.first?.value?.value == "300")
        #expect(heartbeat?.variableCharacteristics?.dataType == .integer)
        #expect(heartbeat?.variableCharacteristics?.minLimit == 1)
        #expect(heartbeat?.variableCharacteristics?.unit?.value == "s")
        let timeSource = data.first { $0.variable.name.value == "TimeSource" }
        #expect(timeSource?.variableCharacteristics?.valuesList?.value == "Heartbeat")
    }

    /// [B07.FR.04/08/10]: the answer goes first; the parts share the requestId, count from 0 without gaps, say
    /// `tbc` on all but the last, and list every variable exactly once.
    @Test func TC_B_13_CS_fullInventoryComesInNumberedPartsAfterTheAnswer() throws {
        var harness = Harness(evses: 4)
        harness.boot()
        harness.answerAll()
        let id = harness.call("GetBaseReport", #"{"requestId":13,"reportBase":"FullInventory"}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        let answered = harness.sendPosition(containing: id)
        let firstPart = harness.sendPosition(containing: #""NotifyReport""#)
        #expect(answered != nil && firstPart != nil)
        #expect(answered! < firstPart!)
        harness.answerAll()

        let parts = try harness.reportParts(13)
        #expect(parts.count >= 3, "enough variables for three parts")
        #expect(harness.calls("NotifyReport").count == parts.count, "no part of another request")
        #expect(parts.map(\.seqNo) == Array(0..<parts.count))
        #expect(parts.dropLast().allSatisfy { $0.tbc == true })
        #expect(parts.last?.tbc == nil)
        #expect(parts.allSatisfy { ($0.reportData?.count ?? 0) <= StationEngine.reportDataPerMessage })
        #expect(parts.allSatisfy { $0.generatedAt == Timestamp(millisecondsSince1970: harness.wallClock) })

        let reported = try harness.reportedAddresses(13)
        #expect(reported == harness.engine.deviceModel.descriptors.map(\.address))
        #expect(Set(reported).count == reported.count)
        let availabilityState = VariableAddress(ComponentAddress("EVSE", evseId: 3), "AvailabilityState")
        let evse3 = parts.flatMap { $0.reportData ?? [] }.first { data in
            VariableAddress(data.component, data.variable) == availabilityState
        }
        #expect(evse3?.variableAttribute.first?.value?.value == "Available")
        #expect(evse3?.variableAttribute.first?.mutability == .readOnly)
    }

    /// [B07.FR.09]: the availability of every tier; no component reports a problem.
    @Test func TC_B_14_CS_summaryInventoryListsOnlyTheAvailabilityStates() throws {
        var harness = Harness(evses: 2)
        harness.boot()
        harness.answerAll()
        harness.call("ChangeAvailability", #"{"operationalStatus":"Inoperative","evse":{"id":1}}"#)
        harness.answerAll()
        let id = harness.call("GetBaseReport", #"{"requestId":14,"reportBase":"SummaryInventory"}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        harness.answerAll()
        let data = try harness.reportParts(14).flatMap { $0.reportData ?? [] }
        #expect(data.allSatisfy { $0.variable.name.value == "AvailabilityState" })
        #expect(data.map(\.component.name.value) == ["ChargingStation", "EVSE", "Connector", "EVSE", "Connector"])
        #expect(data.map { $0.variableAttribute.first?.value?.value } == [
            "Available", "Unavailable", "Unavailable", "Available", "Available",
        ])
    }

    /// [B02.FR.02]: the CSMS may ask for a report while the station is Pending, and the parts go then.
    @Test func aReportAskedForWhilePendingIsSentWhilePending() throws {
        var harness = Harness(evses: 4)
        harness.boot("Pending", interval: 300)
        let id = harness.call("GetBaseReport", #"{"requestId":2,"reportBase":"FullInventory"}"#)
        #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
        harness.answerAll()
        #expect(harness.engine.registration.status == .pending)
        #expect(try harness.reportedAddresses(2) == harness.engine.deviceModel.descriptors.map(\.address))
        #expect(harness.calls("StatusNotification").isEmpty)
    }

    /// [B08.FR.20–25]: a component alone selects all its variables and instances; with a variable, that one.
    @Test func TC_B_17_CS_customReportByComponentAndVariable() throws {
        var harness = Harness(evses: 2)
        harness.boot()
        harness.answerAll()
        let component = harness.call(
            "GetReport", #"{"requestId":1,"componentVariable":[{"component":{"name":"DeviceDataCtrlr"}}]}"#)
        #expect(harness.result(answering: component)?["status"] == .string("Accepted"))
        harness.answerAll()
        #expect(try harness.reportedAddresses(1).map { "\($0.name)[\($0.instance ?? "")]" } == [
            "ItemsPerMessage[GetReport]", "ItemsPerMessage[GetVariables]", "ItemsPerMessage[SetVariables]",
            "BytesPerMessage[GetReport]", "BytesPerMessage[GetVariables]", "BytesPerMessage[SetVariables]",
        ])

        harness.call(
            "GetReport",
            #"{"requestId":2,"componentVariable":[{"component":{"name":"DeviceDataCtrlr"},"variable":{"name":"ItemsPerMessage","instance":"SetVariables"}},{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"MessageTimeout"}}]}"#)
        harness.answerAll()
        #expect(try harness.reportedAddresses(2) == [
            StandardVariables.messageTimeout.address, StandardVariables.itemsPerMessageSetVariables.address,
        ], "in catalogue order")

        harness.call("GetReport", #"{"requestId":3,"componentVariable":[{"component":{"name":"EVSE","evse":{"id":2}}}]}"#)
        harness.answerAll()
        let evse = try harness.reportedAddresses(3)
        #expect(evse.map(\.name) == ["AvailabilityState", "Available", "SupplyPhases", "AllowReset", "Power", "Problem"])
        #expect(evse.allSatisfy { $0.component == ComponentAddress("EVSE", evseId: 2) })

        harness.call("GetReport", #"{"requestId":4,"componentVariable":[{"component":{"name":"Connector"}}]}"#)
        harness.answerAll()
        #expect(try harness.reportedAddresses(4).filter { $0.name == "ConnectorType" }.map(\.component.evseId) == [1, 2],
                "without evse, every EVSE's")
    }

    /// [B08.FR.07–10]: Active, Available and Enabled hold where the variable is true or absent, which is every
    /// component of this station; Problem only where Problem is true, which is none.
    @Test func TC_B_16_CS_customReportByComponentCriteria() throws {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.answerAll()
        let all = harness.engine.deviceModel.descriptors.map(\.address)
        for (requestId, criterion) in [(1, "Active"), (2, "Available"), (3, "Enabled")] {
            let id = harness.call("GetReport", #"{"requestId":\#(requestId),"componentCriteria":["\#(criterion)"]}"#)
            #expect(harness.result(answering: id)?["status"] == .string("Accepted"))
            harness.answerAll()
            #expect(try harness.reportedAddresses(requestId) == all, "\(criterion)")
        }
        let problem = harness.call("GetReport", #"{"requestId":4,"componentCriteria":["Problem"]}"#)
        #expect(harness.result(answering: problem)?["status"] == .string("EmptyResultSet"))
        #expect(harness.outstanding == nil)
        #expect(try harness.reportParts(4).isEmpty)
    }

    /// [B08.FR.13]: criteria and component/variable together: first a request that matches, then one that does not.
    @Test func TC_B_18_CS_customReportByCriteriaAndComponentVariable() throws {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.answerAll()
        let matching = harness.call(
            "GetReport",
            #"{"requestId":1,"componentCriteria":["Available"],"componentVariable":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}"#)
        #expect(harness.result(answering: matching)?["status"] == .string("Accepted"))
        harness.answerAll()
        #expect(try harness.reportedAddresses(1) == [StandardVariables.heartbeatInterval.address])
        let notMatching = harness.call(
            "GetReport",
            #"{"requestId":2,"componentCriteria":["Problem"],"componentVariable":[{"component":{"name":"OCPPCommCtrlr"},"variable":{"name":"HeartbeatInterval"}}]}"#)
        #expect(harness.result(answering: notMatching)?["status"] == .string("EmptyResultSet"))
        #expect(harness.calls("NotifyReport").count == 1)
    }

    @Test func aComponentVariableThatMatchesNothingIsAnEmptyResultSetWithoutReport() {
        var harness = Harness(evses: 1)
        harness.boot()
        harness.answerAll()
        let unknown = harness.call("GetReport", #"{"requestId":1,"componentVariable":[{"component":{"name":"FluxCapacitorCtrlr"}}]}"#)
        #expect(harness.result(answering: unknown)?["status"] == .string("EmptyResultSet"))
        let otherEVSE = harness.call("GetReport", #"{"requestId":2,"componentVariable":[{"component":{"name":"EVSE","evse":{"id":2}}}]}"#)
        #expect(harness.result(answering: otherEVSE)?["status"] == .string("EmptyResultSet"))
        #expect(harness.calls("NotifyReport").isEmpty)
    }

    /// [B08.FR.07–10] on the device model itself, with components this station does not have: a component
    /// whose Available (or Enabled) is false is left out, one without the variable is not; Problem needs true.
    @Test func criteriaHoldWhereTheirVariableIsTrueOrAbsentAndProblemWhereItIsTrue() {
        func flag(_ component: ComponentAddress, _ name: String, _ value: String) -> VariableDescriptor {
            VariableDescriptor(VariableAddress(component, name), .boolean, .readOnly, source: .stored(default: value))
        }
        let off = ComponentAddress("Off")
        let on = ComponentAddress("On")
        let silent = ComponentAddress("Silent")
        let disabled = ComponentAddress("Disabled")
        let broken = ComponentAddress("Broken")
        let model = DeviceModel(descriptors: [
            flag(off, "Available", "false"), flag(off, "Problem", "false"),
            flag(on, "Available", "true"),
            VariableDescriptor(VariableAddress(silent, "Size"), .integer(), .readOnly, source: .stored(default: "1")),
            flag(disabled, "Enabled", "false"),
            flag(broken, "Problem", "true"),
        ])
        func components(_ criteria: [ComponentCriterion]) -> [String] {
            var names: [String] = []
            for descriptor in model.variables(matching: [], criteria: criteria, live: { _, _ in "" })
            where names.last != descriptor.address.component.name {
                names.append(descriptor.address.component.name)
            }
            return names
        }
        #expect(components([.available]) == ["On", "Silent", "Disabled", "Broken"])
        #expect(components([.enabled]) == ["Off", "On", "Silent", "Broken"])
        #expect(components([.active]) == ["Off", "On", "Silent", "Disabled", "Broken"])
        #expect(components([.problem]) == ["Broken"])
        #expect(components([.enabled, .problem]) == ["Off", "On", "Silent", "Broken"], "criteria are OR-ed [B08.FR.13]")
        #expect(components([]) == ["Off", "On", "Silent", "Disabled", "Broken"])
    }
}

/// [B06.FR.09]: the station has no WriteOnly variable yet; on the device model itself, one is written but never
/// read back.
@Suite struct WriteOnlyTests {
    @Test func aWriteOnlyVariableIsWrittenButNeverShown() {
        let secret = VariableDescriptor(
            VariableAddress(ComponentAddress("SecurityCtrlr"), "BasicAuthPassword"), .string(maximumLength: 40),
            .writeOnly, source: .stored(default: ""))
        var model = DeviceModel(descriptors: [secret])
        #expect(model.write(secret.address, attribute: .actual, value: "hunter2") == .accepted(secret, "hunter2"))
        #expect(model.read(secret.address, attribute: .actual) { _, _ in "" } == .writeOnly)
        #expect(secret.reportData(value: nil).variableAttribute.first?.value == nil)
        #expect(secret.persistent && !secret.constant)
    }
}

/// What a previous run left in the store.
@Suite struct RestoredValuesTests {
    /// A station never starts from a value it would refuse.
    @Test func aRestoredValueTheCatalogueRefusesIsIgnored() {
        var harness = Harness(evses: 1, persisted: PersistedState(variables: [
            StandardVariables.heartbeatInterval.address: "-5",
            StandardVariables.offlineThreshold.address: "0090",
            StandardVariables.webSocketPingInterval.address: "often",
            VariableAddress(ComponentAddress("OCPPCommCtrlr"), "Forgotten"): "1",
        ]))
        #expect(harness.engine.deviceModel.text(StandardVariables.heartbeatInterval) == "300")
        #expect(harness.engine.deviceModel.text(StandardVariables.webSocketPingInterval) == "30")
        #expect(harness.engine.deviceModel.text(StandardVariables.offlineThreshold) == "90", "in canonical form")
        harness.boot(interval: 0)
        let id = harness.getVariables([variableData("OCPPCommCtrlr", "HeartbeatInterval")])
        #expect(harness.results(answering: id, "getVariableResult").first?["attributeValue"] == .string("300"))
    }

    /// Addresses compare case-insensitively, in the store as on the wire.
    @Test func aRestoredValueIsFoundWhateverTheCaseOfItsAddress() {
        let model = DeviceModel(
            descriptors: StandardVariables.catalogue(identity: "CS1", evseCount: 1, maximumPowerW: 11_000, localListCapacity: 1000, displayMessageCapacity: 20),
            restored: [VariableAddress(ComponentAddress("ocppcommctrlr"), "heartbeatinterval"): "42"])
        #expect(model.integer(StandardVariables.heartbeatInterval) == 42)
    }
}
