import EngineSupport
import OCPP201
import Testing

@testable import Station201

extension Harness {
    /// Sends SetDisplayMessage with the MessageInfo members in `fields` (JSON, after `id`); returns its status.
    mutating func setDisplayMessage(_ id: Int, _ fields: String = #""priority":"NormalCycle""#, content: String? = nil)
        -> String?
    {
        let text = content ?? "Message \(id)"
        let call = call(
            "SetDisplayMessage",
            #"{"message":{"id":\#(id),\#(fields),"message":{"format":"UTF8","content":"\#(text)"}}}"#)
        return result(answering: call)?["status"]?.string
    }

    /// Sends GetDisplayMessages with `filters` (JSON members after requestId); returns its status.
    mutating func getDisplayMessages(requestId: Int = 7, _ filters: String = "") -> String? {
        let call = call("GetDisplayMessages", #"{"requestId":\#(requestId)\#(filters.isEmpty ? "" : "," + filters)}"#)
        return result(answering: call)?["status"]?.string
    }

    /// The ids every NotifyDisplayMessages sent so far reported, part by part.
    var notifiedDisplayMessageIds: [[Int]] {
        calls("NotifyDisplayMessages").map { call in
            guard case .array(let infos)? = call["messageInfo"] else { return [] }
            return infos.compactMap { if case .integer(let id)? = $0["id"] { Int(id) } else { nil } }
        }
    }

    var display: DisplaySnapshot { engine.displaySnapshot }

    /// The wall clock `seconds` from now, as a MessageInfo member's value.
    func time(in seconds: Int) -> String {
        Timestamp(millisecondsSince1970: wallClock + Int64(seconds) * 1000).description
    }
}

/// Functional block O: SetDisplayMessage, GetDisplayMessages with NotifyDisplayMessages, ClearDisplayMessage,
/// and what the display shows, with a fake clock.
@Suite struct DisplayMessageTests {
    static func registered(evses: Int = 1, overrides: [(key: String, value: String)] = []) -> Harness {
        TransactionTests.registered(evses: evses, overrides: overrides)
    }

    /// A transaction running on EVSE 1, charging; returns its id.
    static func charging(_ harness: inout Harness) -> String {
        _ = harness.start(.start(evseId: 1, TransactionTests.tag))
        harness.answerAllAccepting()
        return harness.engine.evses[0].transaction!.id
    }

    @Test func TC_O_01_CS_anAcceptedMessageIsPersistedBeforeTheAnswerAndShown() {
        var harness = Self.registered()
        let id = harness.call(
            "SetDisplayMessage",
            #"{"message":{"id":5,"priority":"InFront","message":{"format":"UTF8","language":"en","content":"Hello"}}}"#)
        #expect(harness.result(answering: id)?["status"]?.string == "Accepted")
        let stored = MessageInfo(id: 5, priority: .inFront, message: MessageContent(format: .utf8, language: "en", content: "Hello"))
        let persisted = harness.position { $0 == .persist([.displayMessage(stored)]) }
        let answered = harness.sendPosition(containing: id)
        #expect(persisted != nil && answered != nil && persisted! < answered!)
        #expect(harness.display.shown == stored)
        #expect(harness.effects.contains(.publish(.display(harness.display))))
    }

    @Test func TC_O_12_CS_theSameIdReplacesTheMessageWithAllItsParameters() {
        var harness = Self.registered()
        #expect(harness.setDisplayMessage(1, #""priority":"InFront","state":"Charging""#, content: "Old") == "Accepted")
        #expect(harness.setDisplayMessage(1, #""priority":"NormalCycle""#, content: "New") == "Accepted")
        #expect(harness.engine.displayMessages.all.map(\.message.content.value) == ["New"])
        #expect(harness.engine.displayMessages.all.first?.state == nil)
        #expect(harness.display.shown?.message.content.value == "New")
    }

    @Test func TC_O_17_CS_to_TC_O_19_CS_unsupportedPriorityStateAndFormatAreRefused() {
        var harness = Self.registered(overrides: [
            ("DisplayMessageCtrlr.SupportedPriorities", "AlwaysFront,InFront"),
            ("DisplayMessageCtrlr.SupportedStates", "Charging,Idle"),
        ])
        #expect(harness.setDisplayMessage(1, #""priority":"NormalCycle""#) == "NotSupportedPriority")
        #expect(harness.setDisplayMessage(2, #""priority":"InFront","state":"Faulted""#) == "NotSupportedState")
        let html = harness.call(
            "SetDisplayMessage", #"{"message":{"id":3,"priority":"InFront","message":{"format":"HTML","content":"<b>x</b>"}}}"#)
        #expect(harness.result(answering: html)?["status"]?.string == "NotSupportedMessageFormat")
        #expect(harness.engine.displayMessages.count == 0)
        #expect(!harness.persisted.contains { if case .displayMessage = $0 { true } else { false } })
    }

    @Test func theSupportedListsAreReportedAndHTMLCannotBeAdded() {
        var harness = Self.registered()
        let get = harness.call("GetVariables", #"{"getVariableData":[{"component":{"name":"DisplayMessageCtrlr"},"variable":{"name":"SupportedFormats"}},{"component":{"name":"DisplayMessageCtrlr"},"variable":{"name":"DisplayMessages"}}]}"#)
        let results = harness.result(answering: get)?["getVariableResult"]
        #expect(results?[0]?["attributeValue"]?.string == "ASCII,UTF8,URI")
        #expect(results?[1]?["attributeValue"]?.string == "0")
        let set = harness.call("SetVariables", #"{"setVariableData":[{"component":{"name":"DisplayMessageCtrlr"},"variable":{"name":"SupportedFormats"},"attributeValue":"UTF8,HTML"}]}"#)
        #expect(harness.result(answering: set)?["setVariableResult"]?[0]?["attributeStatus"]?.string == "Rejected")
        #expect(StandardVariables.displayMessages(capacity: 20).type.maximumLimit == 20)
    }

    @Test func TC_O_10_CS_aTransactionIdThatRunsNowhereIsUnknownTransaction() {
        var harness = Self.registered()
        #expect(harness.setDisplayMessage(1, #""priority":"InFront","transactionId":"no-such-transaction""#) == "UnknownTransaction")
    }

    @Test func beyondTheCapacityIsRejectedButReplacingAStoredIdIsNot() {
        var harness = Self.registered()
        for id in 1...20 { #expect(harness.setDisplayMessage(id) == "Accepted") }
        let refused = harness.call(
            "SetDisplayMessage", #"{"message":{"id":21,"priority":"NormalCycle","message":{"format":"UTF8","content":"x"}}}"#)
        #expect(harness.result(answering: refused)?["status"]?.string == "Rejected")
        #expect(harness.result(answering: refused)?["statusInfo"]?["reasonCode"]?.string == "TooManyElements")
        #expect(harness.setDisplayMessage(20, #""priority":"InFront""#) == "Accepted")
        #expect(harness.engine.displayMessages.count == 20)
    }

    @Test func disabledTheDisplayIsBlankAndRefusesNewMessagesButKeepsItsOwn() {
        var harness = Self.registered()
        #expect(harness.setDisplayMessage(1) == "Accepted")
        _ = harness.command(.setVariable(StandardVariables.displayMessageCtrlrEnabled.address, value: "false"))
        #expect(harness.display.shown == nil && !harness.display.enabled)
        #expect(harness.setDisplayMessage(2) == "Rejected")
        #expect(harness.getDisplayMessages() == "Accepted")
    }

    @Test func aMessageThatWouldEndBeforeItStartsIsRejected() {
        var harness = Self.registered()
        let fields = #""priority":"InFront","startDateTime":"\#(harness.time(in: 60))","endDateTime":"\#(harness.time(in: 30))""#
        #expect(harness.setDisplayMessage(1, fields) == "Rejected")
        #expect(harness.setDisplayMessage(2, #""priority":"InFront","endDateTime":"\#(harness.time(in: 0))""#) == "Rejected")
    }

    @Test func TC_O_13_CS_aMessageIsNotShownBeforeItsStart() {
        var harness = Self.registered()
        #expect(harness.setDisplayMessage(1, #""priority":"InFront","startDateTime":"\#(harness.time(in: 60))""#) == "Accepted")
        #expect(harness.display.shown == nil)
        #expect(harness.display.messages.map(\.inForce) == [false])
        #expect(harness.getDisplayMessages(#""id":[1]"#) == "Accepted")
        harness.answerAll()
        #expect(harness.calls("NotifyDisplayMessages").last?["messageInfo"]?[0]?["startDateTime"] != nil)
        harness.effects.removeAll()
        harness.advance(by: .seconds(59))
        #expect(harness.display.shown == nil)
        harness.advance(by: .seconds(1))
        #expect(harness.display.shown?.id == 1)
        #expect(harness.effects.contains(.publish(.display(harness.display))))
    }

    @Test func TC_O_14_CS_aMessageIsRemovedAtItsEndAndTheRemovalIsPersisted() {
        var harness = Self.registered()
        #expect(harness.setDisplayMessage(1, #""priority":"InFront","endDateTime":"\#(harness.time(in: 60))""#) == "Accepted")
        #expect(harness.display.shown?.id == 1)
        harness.advance(by: .seconds(60))
        #expect(harness.display.shown == nil)
        #expect(harness.persisted.last == .displayMessageRemoved(1))
        #expect(harness.getDisplayMessages(#""id":[1]"#) == "Unknown")
    }

    @Test func TC_O_06_CS_and_TC_O_30_CS_transactionMessagesAreShownWhileItRunsAndRemovedWhenItEnds() {
        var harness = Self.registered()
        let transactionId = Self.charging(&harness)
        #expect(harness.setDisplayMessage(1, #""priority":"InFront","transactionId":"\#(transactionId)""#) == "Accepted")
        #expect(harness.setDisplayMessage(2, #""priority":"InFront","transactionId":"\#(transactionId)""#) == "Accepted")
        #expect(harness.display.cycle == [1, 2])
        _ = harness.command(.stop(evseId: 1, reason: .local))
        harness.answerAllAccepting()
        #expect(harness.engine.displayMessages.count == 0)
        #expect(harness.persisted.contains(.displayMessageRemoved(1)) && harness.persisted.contains(.displayMessageRemoved(2)))
        #expect(harness.getDisplayMessages(#""id":[1]"#) == "Unknown")
    }

    @Test func TC_O_20_CS_messagesSurviveARestartButThoseOfATransactionCutByItDoNot() {
        var harness = Self.registered()
        let transactionId = Self.charging(&harness)
        #expect(harness.setDisplayMessage(1, #""priority":"AlwaysFront""#) == "Accepted")
        #expect(harness.setDisplayMessage(2, #""priority":"InFront","transactionId":"\#(transactionId)""#) == "Accepted")
        var restarted = Harness(evses: 1, persisted: .replaying(harness.persisted))
        restarted.boot()
        restarted.answerAllAccepting()
        #expect(restarted.engine.displayMessages.all.map(\.id) == [1])
        #expect(restarted.persisted.contains(.displayMessageRemoved(2)))
        #expect(restarted.display.shown?.id == 1)
    }

    @Test func TC_O_24_CS_and_TC_O_32_CS_aSecondAlwaysFrontMessageReplacesTheFirst() {
        var harness = Self.registered()
        #expect(harness.setDisplayMessage(1, #""priority":"AlwaysFront""#) == "Accepted")
        #expect(harness.setDisplayMessage(2, #""priority":"InFront""#) == "Accepted")
        #expect(harness.setDisplayMessage(3, #""priority":"AlwaysFront""#) == "Accepted")
        #expect(harness.persisted.contains(.displayMessageRemoved(1)))
        #expect(harness.engine.displayMessages.all.map(\.id) == [2, 3])
        #expect(harness.display.shown?.id == 3 && harness.display.cycle == [3])
        #expect(harness.getDisplayMessages(#""id":[1]"#) == "Unknown")
    }

    @Test func TC_O_22_CS_severalInFrontMessagesTakeTurnsAheadOfTheNormalCycle() {
        var harness = Self.registered()
        #expect(harness.setDisplayMessage(9) == "Accepted")
        #expect(harness.setDisplayMessage(3, #""priority":"InFront""#) == "Accepted")
        #expect(harness.setDisplayMessage(1, #""priority":"InFront""#) == "Accepted")
        #expect(harness.display.cycle == [1, 3])
        var shown: [Int] = []
        for _ in 0..<4 {
            shown.append(harness.display.shown!.id)
            harness.advance(by: DisplayMessages.turn)
        }
        #expect(Set(shown) == [1, 3])
        #expect(shown[0] != shown[1] && shown[0] == shown[2])
        // Each turn is published, by a timer of its own.
        #expect(harness.nextDeadline != nil)
        _ = harness.call("ClearDisplayMessage", #"{"id":1}"#)
        _ = harness.call("ClearDisplayMessage", #"{"id":3}"#)
        #expect(harness.display.cycle == [9] && harness.display.shown?.id == 9)
    }

    @Test func TC_O_36_CS_to_TC_O_39_CS_aMessageWithAStateIsShownOnlyInThatState() {
        var harness = Self.registered()
        #expect(harness.setDisplayMessage(1, #""priority":"InFront","state":"Charging""#) == "Accepted")
        #expect(harness.setDisplayMessage(2, #""priority":"InFront","state":"Idle""#) == "Accepted")
        #expect(harness.setDisplayMessage(3, #""priority":"InFront","state":"Unavailable""#) == "Accepted")
        #expect(harness.setDisplayMessage(4, #""priority":"InFront","state":"Faulted""#) == "Accepted")
        #expect(harness.display.state == .idle && harness.display.cycle == [2])
        _ = Self.charging(&harness)
        #expect(harness.display.state == .charging && harness.display.cycle == [1])
        _ = harness.command(.stop(evseId: 1, reason: .local))
        harness.answerAllAccepting()
        #expect(harness.display.cycle == [2])
        _ = harness.command(.changeAvailability(evseId: nil, .inoperative))
        #expect(harness.display.state == .unavailable && harness.display.cycle == [3])
        _ = harness.command(.changeAvailability(evseId: nil, .operative))
        _ = harness.command(.fault(evseId: 1, "OtherError"))
        #expect(harness.display.state == .faulted && harness.display.cycle == [4])
        _ = harness.command(.fault(evseId: 1, nil))
        #expect(harness.display.cycle == [2])
    }

    @Test func theStationIsFaultedOnlyWhenEveryEVSEIs() {
        var harness = Self.registered(evses: 2)
        _ = harness.command(.fault(evseId: 1, "OtherError"))
        #expect(harness.display.state == .idle)
        _ = harness.command(.fault(evseId: 2, "OtherError"))
        #expect(harness.display.state == .faulted)
    }

    @Test func TC_O_02_CS_manyMessagesAreReportedInPartsWithTbcAndTheRequestId() {
        var harness = Self.registered()
        for id in 1...12 { #expect(harness.setDisplayMessage(id) == "Accepted") }
        #expect(harness.getDisplayMessages(requestId: 42) == "Accepted")
        harness.answerAll()
        let parts = harness.calls("NotifyDisplayMessages")
        #expect(harness.notifiedDisplayMessageIds == [Array(1...10), [11, 12]])
        #expect(parts.map { $0["requestId"] } == [.integer(42), .integer(42)])
        #expect(parts.map { $0["tbc"] } == [.bool(true), nil])
    }

    @Test func TC_O_03_CS_and_TC_O_33_CS_noMessagesIsUnknownAndSendsNothing() {
        var harness = Self.registered()
        #expect(harness.getDisplayMessages() == "Unknown")
        #expect(harness.getDisplayMessages(#""id":[1]"#) == "Unknown")
        harness.answerAll()
        #expect(harness.calls("NotifyDisplayMessages").isEmpty)
    }

    @Test func TC_O_07_CS_to_TC_O_11_CS_and_TC_O_34_CS_TC_O_35_CS_everyFilterGivenMustMatch() {
        var harness = Self.registered()
        #expect(harness.setDisplayMessage(1, #""priority":"InFront","state":"Idle""#) == "Accepted")
        #expect(harness.setDisplayMessage(2, #""priority":"NormalCycle","state":"Charging""#) == "Accepted")
        #expect(harness.setDisplayMessage(3, #""priority":"NormalCycle""#) == "Accepted")
        #expect(harness.getDisplayMessages(requestId: 1, #""id":[2,3]"#) == "Accepted")
        #expect(harness.getDisplayMessages(requestId: 2, #""priority":"NormalCycle""#) == "Accepted")
        #expect(harness.getDisplayMessages(requestId: 3, #""state":"Idle""#) == "Accepted")
        #expect(harness.getDisplayMessages(#""id":[4]"#) == "Unknown")
        #expect(harness.getDisplayMessages(#""id":[1],"state":"Charging""#) == "Unknown")
        #expect(harness.getDisplayMessages(#""id":[1],"priority":"NormalCycle""#) == "Unknown")
        harness.answerAll()
        #expect(harness.notifiedDisplayMessageIds == [[2, 3], [2, 3], [1]])
    }

    @Test func TC_O_04_CS_and_TC_O_05_CS_clearRemovesAndPersistsOrIsUnknown() {
        var harness = Self.registered()
        #expect(harness.setDisplayMessage(1) == "Accepted")
        let cleared = harness.call("ClearDisplayMessage", #"{"id":1}"#)
        #expect(harness.result(answering: cleared)?["status"]?.string == "Accepted")
        #expect(harness.persisted.last == .displayMessageRemoved(1))
        let unknown = harness.call("ClearDisplayMessage", #"{"id":1}"#)
        #expect(harness.result(answering: unknown)?["status"]?.string == "Unknown")
        #expect(harness.display.shown == nil)
    }

    @Test func malformedRequestsGetTheCallErrorOfTheirFault() {
        var harness = Self.registered()
        let missing = harness.call("SetDisplayMessage", #"{"message":{"id":1,"message":{"format":"UTF8","content":"x"}}}"#)
        #expect(harness.errorCode(answering: missing) == "OccurrenceConstraintViolation")
        let badEnum = harness.call("SetDisplayMessage", #"{"message":{"id":1,"priority":"Sometimes","message":{"format":"UTF8","content":"x"}}}"#)
        #expect(harness.errorCode(answering: badEnum) == "PropertyConstraintViolation")
        let long = String(repeating: "x", count: 513)
        let tooLong = harness.call("SetDisplayMessage", #"{"message":{"id":1,"priority":"InFront","message":{"format":"UTF8","content":"\#(long)"}}}"#)
        #expect(harness.errorCode(answering: tooLong) == "PropertyConstraintViolation")
        let emptyIds = harness.call("GetDisplayMessages", #"{"requestId":1,"id":[]}"#)
        #expect(harness.errorCode(answering: emptyIds) != nil)
        let wrongType = harness.call("ClearDisplayMessage", #"{"id":"1"}"#)
        #expect(harness.errorCode(answering: wrongType) == "TypeConstraintViolation")
        let unknownMember = harness.call("ClearDisplayMessage", #"{"id":1,"colour":"red"}"#)
        #expect(harness.errorCode(answering: unknownMember) == "FormatViolation")
        #expect(harness.engine.displayMessages.count == 0)
    }
}
