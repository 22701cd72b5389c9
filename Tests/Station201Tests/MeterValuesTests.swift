import EngineSupport
import OCPP201
import Testing

@testable import Station201

/// Functional block J outside the Started/Updated/Ended measurands: clock-aligned readings and triggered
/// MeterValues, with a fake clock.
@Suite struct MeterValuesTests {
    static func registered(_ overrides: [(key: String, value: String)]) -> Harness {
        TransactionTests.registered(evses: 2, overrides: overrides)
    }

    @Test func TC_J_01_CS_and_TC_J_02_CS_alignedReadingsGoOnTheGridAsMeterValuesOrAsAnUpdatedInATransaction() {
        var harness = Self.registered([("AlignedDataCtrlr.Interval", "60")])
        _ = harness.start(.start(evseId: 1, TransactionTests.tag))
        harness.answerAllAccepting()
        let gridInstant = Timestamp(millisecondsSince1970: harness.wallClock / 60_000 * 60_000 + 60_000)
        harness.advance(by: .seconds(59))
        harness.answerAllAccepting()
        #expect(harness.calls("MeterValues").isEmpty)
        harness.advance(by: .seconds(1))
        harness.answerAllAccepting()
        let idle = harness.calls("MeterValues")
        #expect(idle.count == 1)
        #expect(idle.first?["evseId"] == .integer(2))
        let reading = idle.first?["meterValue"]?[0]
        #expect(reading?["timestamp"]?.string == gridInstant.description)
        #expect(reading?["sampledValue"]?[0]?["context"]?.string == "Sample.Clock")
        let clock = TransactionTests.events(harness).last!
        #expect(TransactionTests.summary(clock) == "Updated MeterValueClock 2 - -")
        #expect(clock["meterValue"]?[0]?["sampledValue"]?[0]?["context"]?.string == "Sample.Clock")
    }

    @Test func withSendDuringIdleNothingAlignedGoesWhileATransactionRuns() {
        var harness = Self.registered([("AlignedDataCtrlr.Interval", "60"), ("AlignedDataCtrlr.SendDuringIdle", "true")])
        _ = harness.start(.start(evseId: 1, TransactionTests.tag))
        harness.answerAllAccepting()
        harness.advance(by: .seconds(60))
        harness.answerAllAccepting()
        #expect(harness.calls("MeterValues").isEmpty)
        #expect(TransactionTests.events(harness).count == 2)
    }

    @Test func TC_J_03_CS_alignedTxEndedSamplesGoIntoTheEndedEvent() {
        var harness = Self.registered([("AlignedDataCtrlr.TxEndedInterval", "60"), ("AlignedDataCtrlr.Interval", "0")])
        _ = harness.start(.start(evseId: 1, TransactionTests.tag))
        harness.answerAllAccepting()
        harness.advance(by: .seconds(120))
        _ = harness.command(.unplug(evseId: 1))
        harness.answerAllAccepting()
        let contexts = TransactionTests.events(harness).last?["meterValue"].map { readings in
            (0..<4).map { readings[$0]?["sampledValue"]?[0]?["context"]?.string }
        }
        #expect(contexts == ["Transaction.Begin", "Sample.Clock", "Sample.Clock", "Transaction.End"])
    }

    @Test func TC_F_11_CS_and_TC_F_12_CS_triggeredMeterValuesCarryTheAlignedMeasurandsWithContextTrigger() {
        var harness = Self.registered([])
        let one = harness.call("TriggerMessage", #"{"requestedMessage":"MeterValues","evse":{"id":2}}"#)
        #expect(harness.result(answering: one)?["status"]?.string == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.calls("MeterValues").map { $0["evseId"] } == [.integer(2)])
        #expect(harness.calls("MeterValues").first?["meterValue"]?[0]?["sampledValue"]?[0]?["context"]?.string == "Trigger")
        let all = harness.call("TriggerMessage", #"{"requestedMessage":"MeterValues"}"#)
        #expect(harness.result(answering: all)?["status"]?.string == "Accepted")
        harness.answerAllAccepting()
        #expect(harness.calls("MeterValues").count == 3)
        let unknown = harness.call("TriggerMessage", #"{"requestedMessage":"MeterValues","evse":{"id":9}}"#)
        #expect(harness.result(answering: unknown)?["status"]?.string == "Rejected")
    }
}
