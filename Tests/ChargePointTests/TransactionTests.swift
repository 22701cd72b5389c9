import OCPP16
import Testing

@testable import ChargePoint

@Suite struct TransactionTests {
    /// The usual local session, answered by a well-behaved CSMS.
    @Test func localStartReportsPreparingAuthorizesStartsAndCharges() throws {
        var harness = Harness()
        harness.bootAccepted()
        let before = harness.sentCalls.count
        let reply = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        let calls = Array(harness.sentCalls.dropFirst(before))
        #expect(calls.map(\.action) == ["StatusNotification", "Authorize", "StartTransaction", "StatusNotification"])
        #expect(calls[0]["status"] == .string("Preparing"))
        #expect(calls[1]["idTag"] == .string("TAG1"))
        #expect(calls[2]["connectorId"] == .integer(1))
        #expect(calls[2]["meterStart"] == .integer(0))
        #expect(calls[3]["status"] == .string("Charging"))
        guard case .transaction(let snapshot)? = harness.reply(reply) else {
            Issue.record("no transaction answer")
            return
        }
        #expect(snapshot.record.transactionId == 1)
        #expect(snapshot.pendingDelivery == false)
        #expect(harness.status(of: 1) == .charging)
    }

    @Test func transactionIsPersistedBeforeStartTransactionIsSent() throws {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.respond("{}")  // StatusNotification Preparing
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)  // Authorize
        let effects = harness.effects
        let sendIndex = try #require(effects.firstIndex { effect in
            if case .send(let text) = effect { return text.contains("\"StartTransaction\"") }
            return false
        })
        let persistIndex = try #require(effects.firstIndex { effect in
            if case .persist(let changes) = effect {
                return changes.contains { if case .enqueue = $0 { true } else { false } }
            }
            return false
        })
        #expect(persistIndex < sendIndex)
    }

    @Test func refusedTagAnswersTheStatusAndStartsNothing() {
        var harness = Harness()
        harness.bootAccepted()
        let reply = harness.command(.start(connector: 1, idTag: "BAD"))
        harness.respond("{}")  // Preparing
        harness.respond(#"{"idTagInfo":{"status":"Blocked"}}"#)
        #expect(harness.reply(reply) == .failed(.refused(.blocked)))
        #expect(harness.calls("StartTransaction").isEmpty)
    }

    @Test func busyConnectorRefusesASecondStart() {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        let reply = harness.command(.start(connector: 1, idTag: "TAG2"))
        #expect(harness.reply(reply) == .failed(.connectorBusy(connector: 1, status: .charging)))
        let unknown = harness.command(.start(connector: 9, idTag: "TAG2"))
        #expect(harness.reply(unknown) == .failed(.unknownConnector(9)))
    }

    @Test func stopSendsMeterStopReasonAndTransactionData() throws {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.advance(by: .seconds(30))  // 11 kW for 30 s = 91.67 Wh
        harness.acknowledgeAll()
        let reply = harness.command(.stop(connector: 1, reason: .local))
        let stop = try #require(harness.outstanding)
        #expect(stop.action == "StopTransaction")
        #expect(stop["transactionId"] == .integer(1))
        #expect(stop["meterStop"] == .integer(91))
        #expect(stop["reason"] == .string("Local"))
        #expect(stop["idTag"] == .string("TAG1"))
        guard case .array(let data)? = stop["transactionData"] else {
            Issue.record("no transactionData")
            return
        }
        let contexts = data.compactMap { $0["sampledValue"].flatMap { value -> String? in
            guard case .array(let values) = value else { return nil }
            return values.first?["context"]?.stringValue
        } }
        #expect(contexts.first == "Transaction.Begin")
        #expect(contexts.last == "Transaction.End")
        harness.respond("{}")
        guard case .transaction(let snapshot)? = harness.reply(reply) else {
            Issue.record("no answer")
            return
        }
        #expect(snapshot.record.meterStop == 91)
        #expect(snapshot.record.stopReason == .local)
        #expect(snapshot.pendingDelivery == false)
        harness.acknowledgeAll()
        #expect(harness.status(of: 1) == .finishing)
        _ = harness.command(.unplug(connector: 1))
        harness.acknowledgeAll()
        #expect(harness.status(of: 1) == .available)
        #expect(harness.lastCall?["status"] == .string("Available"))
    }

    @Test func periodicMeterValuesCarryTheConfiguredMeasurands() throws {
        var harness = Harness(overrides: [("MeterValueSampleInterval", "10")])
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        harness.advance(by: .seconds(10))
        let call = try #require(harness.outstanding)
        #expect(call.action == "MeterValues")
        #expect(call["connectorId"] == .integer(1))
        #expect(call["transactionId"] == .integer(1))
        let values = try #require(call["meterValue"].flatMap { value -> [JSONValue]? in
            guard case .array(let readings) = value, case .array(let sampled)? = readings.first?["sampledValue"]
            else { return nil }
            return sampled
        })
        #expect(values.count == 2)
        #expect(values[0]["measurand"] == .string("Energy.Active.Import.Register"))
        #expect(values[0]["value"] == .string("30"))  // 11 kW for 10 s = 30.6 Wh
        #expect(values[0]["unit"] == .string("Wh"))
        #expect(values[0]["context"] == .string("Sample.Periodic"))
        #expect(values[1]["measurand"] == .string("Power.Active.Import"))
        #expect(values[1]["value"] == .string("11000"))
        harness.respond("{}")
        harness.advance(by: .seconds(10))
        #expect(harness.calls("MeterValues").count == 2)
    }

    @Test func unplugWhileChargingStopsWithEVDisconnected() throws {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        _ = harness.command(.unplug(connector: 1))
        let stop = try #require(harness.outstanding)
        #expect(stop["reason"] == .string("EVDisconnected"))
        harness.acknowledgeAll()
        #expect(harness.status(of: 1) == .available)
    }

    @Test func unplugKeepsTheTransactionWhenConfiguredTo() {
        var harness = Harness(overrides: [("StopTransactionOnEVSideDisconnect", "false")])
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        _ = harness.command(.unplug(connector: 1))
        harness.acknowledgeAll()
        #expect(harness.calls("StopTransaction").isEmpty)
        #expect(harness.status(of: 1) == .suspendedEV)
        #expect(harness.lastCall?["status"] == .string("SuspendedEV"))
    }

    @Test func zeroPowerFromTheMeterIsSuspendedEV() {
        var harness = Harness()
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.acknowledgeAll()
        _ = harness.command(.setMeter(connector: 1, energyWh: nil, powerW: 0))
        #expect(harness.status(of: 1) == .suspendedEV)
        _ = harness.command(.setMeter(connector: 1, energyWh: nil, powerW: 7000))
        #expect(harness.status(of: 1) == .charging)
    }

    @Test func externalMeterRegisterNeverGoesBackwards() {
        var harness = Harness()
        _ = harness.command(.setMeter(connector: 1, energyWh: 5000, powerW: nil))
        let reply = harness.command(.setMeter(connector: 1, energyWh: 4000, powerW: nil))
        #expect(harness.reply(reply) == .failed(.meterWouldDecrease(currentWh: 5000, requestedWh: 4000)))
        harness.advance(by: .seconds(60))
        #expect(harness.engine.connectorSnapshot(0).energyWh == 5000)
    }

    @Test func startTransactionRefusedStopsWithDeAuthorized() throws {
        var harness = Harness()
        harness.bootAccepted()
        let reply = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.respond("{}")
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        harness.respond(#"{"idTagInfo":{"status":"ConcurrentTx"},"transactionId":7}"#)
        #expect(harness.reply(reply) == .failed(.refused(.concurrentTx)))
        harness.acknowledgeAll()
        let stop = try #require(harness.calls("StopTransaction").last)
        #expect(stop["reason"] == .string("DeAuthorized"))
        #expect(stop["transactionId"] == .integer(7))
    }

    @Test func refusedIdWithoutStopOnInvalidIdSuspendsTheEVSE() {
        var harness = Harness(overrides: [("StopTransactionOnInvalidId", "false")])
        harness.bootAccepted()
        _ = harness.command(.start(connector: 1, idTag: "TAG1"))
        harness.respond("{}")
        harness.respond(#"{"idTagInfo":{"status":"Accepted"}}"#)
        harness.respond(#"{"idTagInfo":{"status":"Invalid"},"transactionId":7}"#)
        harness.acknowledgeAll()
        #expect(harness.calls("StopTransaction").isEmpty)
        #expect(harness.status(of: 1) == .suspendedEVSE)
        #expect(harness.engine.connectorSnapshot(0).powerW == 0)
    }

    @Test func offlineStartNeedsAllowOfflineTxForUnknownId() {
        var refusing = Harness()
        let refused = refusing.command(.start(connector: 1, idTag: "TAG1"))
        #expect(refusing.reply(refused) == .failed(.offlineStartNotAllowed))

        var harness = Harness(overrides: [("AllowOfflineTxForUnknownId", "true")])
        let reply = harness.command(.start(connector: 1, idTag: "TAG1"))
        guard case .transaction(let snapshot)? = harness.reply(reply) else {
            Issue.record("no answer")
            return
        }
        #expect(snapshot.record.transactionId == nil)
        #expect(snapshot.pendingDelivery)
        #expect(harness.status(of: 1) == .charging)
    }
}
