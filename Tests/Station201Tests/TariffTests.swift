import EngineSupport
import OCPP201
import Testing

@testable import Station201

/// Functional block I with a fake clock: the running cost (CostUpdated), the final cost and the driver's
/// messages in TransactionEvent answers, kept with the transaction.
@Suite struct TariffTests {
    /// A transaction of TAG1 on EVSE 1 whose Started event is answered with `answer`.
    static func started(answering answer: String = #"{"idTokenInfo":{"status":"Accepted"}}"#) -> Harness {
        var harness = TransactionTests.registered()
        _ = harness.start(.start(evseId: 1, TransactionTests.tag))
        while let call = harness.outstanding {
            if call.action == "TransactionEvent" { harness.answerOutstanding(answer) } else { harness.answerAccepting(call) }
        }
        return harness
    }

    static func transaction(_ harness: Harness) -> TransactionRecord? {
        harness.engine.evses[0].transaction ?? harness.engine.recentTransactions.last
    }

    @Test func TC_I_01_CS_theTariffInTheTokensIdTokenInfoIsTheDriversMessage() {
        let harness = Self.started(
            answering: #"{"idTokenInfo":{"status":"Accepted","personalMessage":{"format":"UTF8","content":"0.30 EUR/kWh"}}}"#)
        #expect(Self.transaction(harness)?.personalMessage == "0.30 EUR/kWh")
    }

    @Test func TC_I_03_CS_costUpdatedIsKeptWithTheTransactionBeforeTheEmptyAnswer() throws {
        var harness = Self.started()
        let id = try #require(Self.transaction(harness)?.id)
        let before = harness.effects.count
        let call = harness.call("CostUpdated", #"{"totalCost":1.25,"transactionId":"\#(id)"}"#)
        #expect(harness.result(answering: call) == .object([:]))
        #expect(Self.transaction(harness)?.totalCost == 1.25)
        let produced = harness.effects[before...]
        let stored = produced.firstIndex {
            if case .persist(let changes) = $0 { changes.contains { if case .transaction(let record) = $0 { record.totalCost == 1.25 } else { false } } } else { false }
        }
        let answered = produced.firstIndex { if case .send(let text) = $0 { text.hasPrefix("[3,") } else { false } }
        #expect(stored != nil && answered != nil && stored! < answered!, "stored before the answer")
        #expect(produced.contains {
            if case .publish(.transaction(.costUpdated, let snapshot)) = $0 { snapshot.record.totalCost == 1.25 && snapshot.currency == "EUR" } else { false }
        })
    }

    @Test func costUpdatedForATransactionTheStationDoesNotHaveChangesNothing() {
        var harness = Self.started()
        let before = harness.persisted.count
        let call = harness.call("CostUpdated", #"{"totalCost":3,"transactionId":"not-a-transaction"}"#)
        #expect(harness.result(answering: call) == .object([:]))
        #expect(harness.persisted.count == before)
        let malformed = harness.call("CostUpdated", #"{"totalCost":"3 EUR","transactionId":"x"}"#)
        #expect(harness.errorCode(answering: malformed) == "TypeConstraintViolation")
    }

    @Test func TC_I_05_CS_theAnswerToEndedGivesTheFinalCostAndMessage() {
        var harness = Self.started()
        _ = harness.command(.stop(evseId: 1, reason: .local))
        while let call = harness.outstanding {
            if call.action == "TransactionEvent", call["eventType"]?.string == "Ended" {
                harness.answerOutstanding(#"{"totalCost":4.56,"updatedPersonalMessage":{"format":"ASCII","content":"Thank you"}}"#)
            } else {
                harness.answerAccepting(call)
            }
        }
        let ended = harness.engine.recentTransactions.last
        #expect(ended?.totalCost == 4.56)
        #expect(ended?.personalMessage == "Thank you")
        #expect(ended?.totalCostIsFinal == true)
        #expect(harness.persisted.contains { if case .transaction(let record) = $0 { record.totalCost == 4.56 } else { false } })
    }

    @Test func I01_I03_withoutTheCSMSsMessageTheFallbackMessagesAreShown() {
        var harness = Self.started()
        let id = harness.engine.evses[0].transaction!.id
        #expect(harness.engine.transactionSnapshot(id)?.shownMessage == nil, "an empty fallback shows nothing")
        _ = harness.command(.setVariable(StandardVariables.tariffFallbackMessage.address, value: "0.35 EUR/kWh"))
        _ = harness.command(.setVariable(StandardVariables.totalCostFallbackMessage.address, value: "See your invoice"))
        #expect(harness.engine.transactionSnapshot(id)?.shownMessage == "0.35 EUR/kWh")
        // Ended offline: no total cost comes, so the driver reads the total-cost fallback.
        harness.handle(.linkDown(reason: "test"))
        _ = harness.command(.stop(evseId: 1, reason: .local))
        #expect(harness.engine.transactionSnapshot(id)?.record.ended != nil)
        #expect(harness.engine.transactionSnapshot(id)?.shownMessage == "See your invoice")
        // Tariffs disabled: no message at all; costs disabled: no cost.
        _ = harness.command(.setVariable(StandardVariables.tariffEnabled.address, value: "false"))
        #expect(harness.engine.transactionSnapshot(id)?.shownMessage == nil)
    }

    @Test func I01_theCSMSsMessageWinsAndADisabledCostIsNotShown() {
        var harness = Self.started(
            answering: #"{"idTokenInfo":{"status":"Accepted","personalMessage":{"format":"UTF8","content":"0.30 EUR/kWh"}}}"#)
        let id = harness.engine.evses[0].transaction!.id
        _ = harness.command(.setVariable(StandardVariables.tariffFallbackMessage.address, value: "0.35 EUR/kWh"))
        #expect(harness.engine.transactionSnapshot(id)?.shownMessage == "0.30 EUR/kWh")
        _ = harness.call("CostUpdated", #"{"totalCost":1.25,"transactionId":"\#(id)"}"#)
        #expect(harness.engine.transactionSnapshot(id)?.shownCost == 1.25)
        #expect(harness.engine.transactionSnapshot(id)?.record.totalCostIsFinal == nil, "a running cost")
        _ = harness.command(.setVariable(StandardVariables.costEnabled.address, value: "false"))
        #expect(harness.engine.transactionSnapshot(id)?.shownCost == nil)
        #expect(harness.engine.transactionSnapshot(id)?.record.totalCost == 1.25, "kept, only not shown")
    }
}
