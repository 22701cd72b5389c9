import EngineSupport
import OCPP16
import Testing

@testable import ChargePoint

@Suite struct MeteringTests {
    private func sampled(_ call: SentCall?) -> [JSONValue] {
        guard case .array(let readings)? = call?["meterValue"], case .array(let values)? = readings.first?["sampledValue"]
        else { return [] }
        return values
    }

    /// The highest register value stored for connector 1, ceiling included: where it resumes after a kill.
    private func storedCeiling(_ harness: Harness) -> Double {
        harness.persisted.reduce(0) { highest, change in
            guard case .saveConnector(let record) = change, record.id == 1 else { return highest }
            return max(highest, record.energyWh, record.energyCeilingWh ?? 0)
        }
    }

    /// Issue 10, defect 7: after a kill the register resumed at its last save, below values already shown.
    @Test func theSimulatedRegisterNeverShowsMoreThanWhereItResumesAfterAKill() {
        var harness = Harness(overrides: [("MeterValueSampleInterval", "0")])
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        var shown = 0.0
        var previous = 0.0
        for step in 1...200 {
            harness.advance(by: .milliseconds(700))
            let snapshot = harness.engine.snapshot
            let engineShows = snapshot.connectors[0].energyWh
            // What a read may show later from this snapshot, should no new one come (the read model).
            let readShows = snapshot.advanced(to: harness.uptime + .seconds(30)).connectors[0].energyWh
            #expect(engineShows >= previous, "step \(step)")
            previous = engineShows
            shown = max(shown, engineShows, readShows)
            #expect(shown <= storedCeiling(harness), "step \(step): shows \(shown) Wh, would resume at \(storedCeiling(harness))")
        }
        #expect(shown > 400, "11 kW for 140 s is about 428 Wh; the register must not stall (\(shown))")
        #expect(storedCeiling(harness) - shown < 11_000 * Meter.headroom.seconds / 3600 + 1)
    }

    @Test func afterARestartTheRegisterResumesAtItsStoredCeiling() {
        let harness = Harness(persisted: PersistedState(connectors: [
            ConnectorRecord(id: 1, energyWh: 1000, energyCeilingWh: 1012.5), ConnectorRecord(id: 2, energyWh: 7),
        ]))
        #expect(harness.engine.snapshot.connectors.map(\.energyWh) == [1012.5, 7])
    }

    @Test func clockAlignedValuesFallOnTheGridFromMidnight() throws {
        var harness = Harness(overrides: [("ClockAlignedDataInterval", "900"), ("MeterValueSampleInterval", "0")])
        harness.wallClock = Timestamp.parse("2027-01-15T08:10:00Z")!.millisecondsSince1970
        harness.bootAccepted()
        harness.nextTransactionId = 4
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.advance(by: .seconds(299))
        #expect(harness.calls("MeterValues").isEmpty)
        harness.advance(by: .seconds(1))
        harness.acknowledgeAll()
        let calls = harness.calls("MeterValues")
        #expect(calls.count == 2)
        let transactional = try #require(calls.first { $0["connectorId"] == .integer(1) })
        #expect(transactional["transactionId"] == .integer(4))
        #expect(sampled(transactional).first?["context"] == .string("Sample.Clock"))
        guard case .array(let readings)? = transactional["meterValue"] else { return }
        #expect(readings.first?["timestamp"] == .string("2027-01-15T08:15:00.000Z"))
        let main = try #require(calls.first { $0["connectorId"] == .integer(0) })
        #expect(main["transactionId"] == nil)
        harness.advance(by: .seconds(900))
        harness.acknowledgeAll()
        #expect(harness.calls("MeterValues").count == 4)
    }

    @Test func stopTxnAlignedDataGoesIntoTransactionData() throws {
        var harness = Harness(overrides: [
            ("ClockAlignedDataInterval", "60"), ("StopTxnAlignedData", "Energy.Active.Import.Register"),
            ("StopTxnSampledData", ""), ("MeterValuesAlignedData", ""), ("MeterValueSampleInterval", "0"),
        ])
        harness.wallClock = Timestamp.parse("2027-01-15T08:00:30Z")!.millisecondsSince1970
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.advance(by: .seconds(60))
        #expect(harness.calls("MeterValues").isEmpty)
        _ = harness.command(.stop(connector: 1, reason: .local))
        let stop = try #require(harness.outstanding)
        guard case .array(let data)? = stop["transactionData"] else {
            Issue.record("no transactionData")
            return
        }
        #expect(data.count == 1)
        #expect(data.first?["timestamp"] == .string("2027-01-15T08:01:00.000Z"))
    }

    @Test func maxEnergyOnInvalidIdLetsSomeEnergyThroughThenSuspends() {
        var harness = Harness(overrides: [("StopTransactionOnInvalidId", "false"), ("MaxEnergyOnInvalidId", "110")])
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.respond("{}")
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        harness.respond(#"{"idTagInfo":{"status":"Invalid"},"transactionId":7}"#)
        harness.acknowledgeAll()
        #expect(harness.status(of: 1) == .charging)
        harness.advance(by: .seconds(35))  // 11 kW: 106.9 Wh
        #expect(harness.status(of: 1) == .charging)
        harness.advance(by: .seconds(2))  // the 110 Wh cap falls at 36 s
        #expect(harness.status(of: 1) == .suspendedEVSE)
        let energy = harness.engine.connectorSnapshot(0).energyWh
        #expect(energy >= 110 && energy < 110.1)
    }

    @Test func phaseRotationIsValidated() {
        var harness = Harness(connectors: 2)
        harness.bootAccepted()
        let cases = [("0.RST,1.RTS,2.Unknown", "Accepted"), ("3.RST", "Rejected"), ("1.XYZ", "Rejected"), ("1.RST,1.RTS", "Rejected")]
        for (index, (value, expected)) in cases.enumerated() {
            harness.csmsCall("p\(index)", "ChangeConfiguration", #"{"key":"ConnectorPhaseRotation","value":"\#(value)"}"#)
            #expect(harness.result(answering: "p\(index)")?["status"] == .string(expected), "\(value)")
        }
    }
}
