import ChargePoint
import OCPP16
import TestFixtures
import Testing

@testable import Store

@Suite struct StoreTests {
    private var transaction: TransactionRecord {
        var record = TransactionRecord(
            localId: 4, connectorId: 2, idTag: "TAG", meterStart: 10,
            startedAt: Timestamp(millisecondsSince1970: 1_800_000_000_123))
        record.transactionId = 77
        record.stopTransactionData = [
            MeterValue(
                timestamp: record.startedAt,
                sampledValue: [SampledValue(value: "10", context: .transactionBegin, measurand: .energyActiveImportRegister, unit: .wh)])
        ]
        return record
    }

    @Test func everythingWrittenIsReadBackAfterReopening() throws {
        let folder = try TemporaryDirectory()
        let directory = folder.path
        let stop = TransactionMessage.stop(
            idTag: nil, meterStop: 20, timestamp: Timestamp(millisecondsSince1970: 1_800_000_100_000), reason: .powerLoss,
            transactionData: nil)
        do {
            let store = try Store(directory: directory)
            try store.apply([
                .saveConfiguration(key: "HeartbeatInterval", value: "30"),
                .saveConnector(ConnectorRecord(id: 2, plugged: true, energyWh: 12.5, errorCode: .groundFailure, errorInfo: "wet")),
                .saveTransaction(transaction),
                .enqueue(QueuedMessage(sequence: 5, transactionLocalId: 4, message: stop)),
                .enqueue(QueuedMessage(sequence: 3, transactionLocalId: 4, message: .meterValues(connectorId: 2, meterValue: []))),
            ])
            try store.apply([.updateQueued(QueuedMessage(sequence: 5, transactionLocalId: 4, message: stop, failedAttempts: 2))])
        }
        let state = try Store(directory: directory).load()
        #expect(state.configuration == ["HeartbeatInterval": "30"])
        #expect(state.connectors == [ConnectorRecord(id: 2, plugged: true, energyWh: 12.5, errorCode: .groundFailure, errorInfo: "wet")])
        #expect(state.transactions == [transaction])
        #expect(state.queue.map(\.sequence) == [3, 5])
        #expect(state.queue.last == QueuedMessage(sequence: 5, transactionLocalId: 4, message: stop, failedAttempts: 2))
    }

    @Test func deletionsAreDurableToo() throws {
        let folder = try TemporaryDirectory()
        let directory = folder.path
        let store = try Store(directory: directory)
        try store.apply([
            .saveTransaction(transaction),
            .enqueue(QueuedMessage(sequence: 1, transactionLocalId: 4, message: .meterValues(connectorId: 2, meterValue: []))),
        ])
        try store.apply([.dequeue(sequence: 1), .deleteTransaction(localId: 4)])
        let state = try Store(directory: directory).load()
        #expect(state.transactions.isEmpty)
        #expect(state.queue.isEmpty)
    }

    @Test func theDatabaseRunsInWALModeWithFullSync() throws {
        let folder = try TemporaryDirectory()
        let store = try Store(directory: folder.path)
        #expect(try store.pragma("journal_mode") == "wal")
        #expect(try store.pragma("synchronous") == "2")
    }

    @Test func anUnreadableRecordRefusesToLoadInsteadOfDroppingData() throws {
        let folder = try TemporaryDirectory()
        let directory = folder.path
        let store = try Store(directory: directory)
        try store.apply([.saveTransaction(transaction)])
        try store.execute("UPDATE \"transaction\" SET record = '{\"localId\":\"x\"}'")
        #expect(throws: StoreError.self) { try store.load() }
    }

    @Test func aFolderThatCannotHoldTheDatabaseIsAClearError() {
        #expect(throws: StoreError.self) { try Store(directory: "/proc/no-such-place") }
    }
}

@Suite struct StoreDurabilityTests {
    @Test func onlyDeliveryBatchesSkipTheSyncAndFullSyncComesBack() throws {
        let folder = try TemporaryDirectory()
        let directory = folder.path
        let store = try Store(directory: directory)
        try store.apply([.enqueue(QueuedMessage(sequence: 1, transactionLocalId: 1, message: .meterValues(connectorId: 1, meterValue: [])))])
        try store.apply([.dequeue(sequence: 1)])
        #expect(try store.pragma("synchronous") == "2")
        #expect(try Store(directory: directory).load().queue.isEmpty)
    }
}
