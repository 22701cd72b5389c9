import EngineSupport
import OCPP201
import Testing

@testable import Station201

/// [N09], [N10] CustomerInformation with a fake clock: what the station reports about a token, in
/// NotifyCustomerInformation parts after the answer, and what a clear removes.
@Suite struct CustomerInformationTests {
    static let token = #"{"idToken":"TAG1","type":"ISO14443"}"#

    static func ask(_ harness: inout Harness, _ reference: String, report: Bool = true, clear: Bool = false) -> String? {
        let id = harness.call(
            "CustomerInformation", #"{"requestId":7,"report":\#(report),"clear":\#(clear)\#(reference)}"#)
        return harness.result(answering: id)?["status"]?.string
    }

    static func reported(_ harness: Harness) -> [String] {
        harness.calls("NotifyCustomerInformation").compactMap { $0["data"]?.string }
    }

    /// A transaction of TAG1 started and ended on EVSE 1, its events delivered.
    static func chargedOnce() -> Harness {
        var harness = TransactionTests.registered()
        _ = harness.start(.start(evseId: 1, TransactionTests.tag))
        harness.answerAllAccepting()
        _ = harness.command(.stop(evseId: 1, reason: .local))
        harness.answerAllAccepting()
        return harness
    }

    @Test func TC_N_32_CS_notExactlyOneReferenceIsInvalid() {
        var harness = TransactionTests.registered()
        #expect(Self.ask(&harness, "") == "Invalid")
        #expect(Self.ask(&harness, #","idToken":\#(Self.token),"customerIdentifier":"C1""#) == "Invalid")
        #expect(harness.calls("NotifyCustomerInformation").isEmpty)
    }

    @Test func TC_N_27_CS_aTokensCacheEntryAndTransactionsAreReportedAfterTheAnswer() {
        var harness = Self.chargedOnce()
        TransactionTests.cacheAccepted(&harness)
        let before = harness.effects.count
        #expect(Self.ask(&harness, #","idToken":\#(Self.token)"#) == "Accepted")
        let sends = harness.effects[before...].compactMap { if case .send(let text) = $0 { text } else { nil } }
        #expect(sends.first?.hasPrefix("[3,") == true, "the answer goes first")
        harness.answerAllAccepting()
        let parts = harness.calls("NotifyCustomerInformation")
        #expect(parts.count == 1)
        #expect(parts.first?["requestId"] == .integer(7) && parts.first?["seqNo"] == .integer(0))
        #expect(parts.first?["tbc"] == nil)
        let data = Self.reported(harness).joined()
        #expect(data.contains("Authorization cache: ISO14443 TAG1, Accepted"))
        let transaction = harness.engine.recentTransactions.last
        #expect(transaction.map { data.contains("Transaction \($0.id) on EVSE 1") } == true)
    }

    @Test func aCustomerTheStationKnowsNothingAboutGetsOnePartSayingSo() {
        var harness = TransactionTests.registered()
        #expect(Self.ask(&harness, #","customerIdentifier":"customer-42""#) == "Accepted")
        harness.answerAllAccepting()
        #expect(Self.reported(harness) == ["No data held for this customer."])
    }

    @Test func TC_N_29_CS_aClearRemovesTheCacheEntryAndEndedTransactionsButNotTheLocalList() {
        var harness = Self.chargedOnce()
        TransactionTests.cacheAccepted(&harness)
        let list = harness.call(
            "SendLocalList",
            #"{"versionNumber":1,"updateType":"Full","localAuthorizationList":[{"idToken":\#(Self.token),"idTokenInfo":{"status":"Accepted"}}]}"#)
        #expect(harness.result(answering: list)?["status"]?.string == "Accepted")
        let ended = harness.engine.recentTransactions.last?.id
        #expect(Self.ask(&harness, #","idToken":\#(Self.token)"#, report: true, clear: true) == "Accepted")
        harness.answerAllAccepting()
        #expect(Self.reported(harness).joined().contains("Authorization cache"), "reported before it was cleared")
        #expect(harness.engine.authorizationCache.entries.isEmpty)
        #expect(harness.engine.recentTransactions.isEmpty)
        #expect(harness.engine.localList.entries.count == 1)
        #expect(harness.persisted.contains(.cacheEntryRemoved(IdTokenKey(TransactionTests.tag))))
        #expect(ended.map { harness.persisted.contains(.transactionRemoved($0)) } == true)
    }

    @Test func manyTransactionsGoInSeveralPartsWithTbc() {
        var harness = TransactionTests.registered()
        for _ in 0..<8 {
            _ = harness.start(.start(evseId: 1, TransactionTests.tag))
            harness.answerAllAccepting()
            _ = harness.command(.stop(evseId: 1, reason: .local))
            harness.answerAllAccepting()
        }
        #expect(Self.ask(&harness, #","idToken":\#(Self.token)"#) == "Accepted")
        harness.answerAllAccepting()
        let parts = harness.calls("NotifyCustomerInformation")
        #expect(parts.count > 1)
        #expect(parts.map { $0["seqNo"] } == parts.indices.map { .integer(Int64($0)) })
        #expect(parts.dropLast().allSatisfy { $0["tbc"] == .bool(true) } && parts.last?["tbc"] == nil)
        #expect(parts.allSatisfy { ($0["data"]?.string?.utf8.count ?? 513) <= 512 })
        let lines = Self.reported(harness).flatMap { $0.split(separator: "\n") }
        #expect(lines.filter { $0.hasPrefix("Transaction ") }.count == 8)
    }
}
