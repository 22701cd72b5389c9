import OCPP16
import Testing

@testable import ChargePoint

@Suite struct RestartTests {
    private func persistedSession(plugged: Bool, confirmed: Bool) -> PersistedState {
        var record = TransactionRecord(
            localId: 3, connectorId: 1, idTag: "TAG1", meterStart: 1000,
            startedAt: Timestamp(millisecondsSince1970: 1_700_000_000_000))
        record.transactionId = confirmed ? 55 : nil
        let start = StartTransactionRequest(
            connectorId: 1, idTag: "TAG1", meterStart: 1000, timestamp: record.startedAt)
        return PersistedState(
            connectors: [ConnectorRecord(id: 1, plugged: plugged, energyWh: 1500.7)],
            transactions: [record],
            queue: confirmed ? [] : [QueuedMessage(sequence: 9, transactionLocalId: 3, message: .start(start))])
    }

    @Test func transactionWithCableStillInResumesCharging() {
        var harness = Harness(persisted: persistedSession(plugged: true, confirmed: true))
        #expect(harness.status(of: 1) == .charging)
        harness.bootAccepted()
        #expect(harness.calls("StartTransaction").isEmpty)
        #expect(harness.calls("StatusNotification").contains { $0["connectorId"] == .integer(1) && $0["status"] == .string("Charging") })
        _ = harness.command(.stop(connector: 1, reason: .local))
        #expect(harness.outstanding?["transactionId"] == .integer(55))
        #expect(harness.outstanding?["meterStop"] == .integer(1500))
    }

    @Test func transactionWhoseCableIsGoneStopsWithPowerLoss() throws {
        var harness = Harness(persisted: persistedSession(plugged: false, confirmed: true))
        #expect(harness.status(of: 1) == .available)
        #expect(harness.persisted.contains { if case .enqueue(let message) = $0 { message.message.action == .stopTransaction } else { false } })
        harness.bootAccepted()
        let stop = try #require(harness.calls("StopTransaction").first)
        #expect(stop["reason"] == .string("PowerLoss"))
        #expect(stop["meterStop"] == .integer(1500))
        #expect(stop["transactionId"] == .integer(55))
    }

    @Test func unconfirmedStartIsDeliveredAfterBootAndLaterMessagesUseItsId() {
        var harness = Harness(persisted: persistedSession(plugged: true, confirmed: false))
        harness.nextTransactionId = 90
        harness.bootAccepted()
        #expect(harness.calls("StartTransaction").count == 1)
        #expect(harness.calls("StartTransaction").first?["meterStart"] == .integer(1000))
        _ = harness.command(.stop(connector: 1, reason: .local))
        #expect(harness.outstanding?["transactionId"] == .integer(90))
        #expect(harness.engine.nextLocalTransactionId == 4)
        // 9 was the last persisted; StartupOfTheDevice took 10, the StopTransaction 11.
        #expect(harness.engine.nextSequence == 12)
    }

    @Test func bootComesBeforeQueuedTransactionMessages() {
        var harness = Harness(persisted: persistedSession(plugged: true, confirmed: false))
        harness.handle(.linkUp)
        #expect(harness.sentCalls.map(\.action) == ["BootNotification"])
    }
}
