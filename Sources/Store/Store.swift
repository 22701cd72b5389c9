import ChargePoint
import CSQLite
import OCPP16
import SmartCharging

public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// The charge point's durable state in SQLite (WAL, synchronous=FULL): a change is on disk when `apply`
/// returns, before the frame or answer that depends on it is sent. Records are stored as JSON documents
/// keyed by their identity; the engine is the only writer, so no query logic lives here.
///
/// Used under the runtime's lock only (one input at a time), which is why it needs no locking of its own.
public final class Store {
    private let database: SQLiteConnection
    private let durability: Durability
    public let path: String

    /// Schema versions, in order; `PRAGMA user_version` says how many are applied.
    private static let migrations = [
        """
        CREATE TABLE configuration (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
        CREATE TABLE connector (id INTEGER PRIMARY KEY NOT NULL, record TEXT NOT NULL);
        CREATE TABLE "transaction" (local_id INTEGER PRIMARY KEY NOT NULL, active INTEGER NOT NULL, record TEXT NOT NULL);
        CREATE TABLE queue (sequence INTEGER PRIMARY KEY NOT NULL, local_id INTEGER NOT NULL, record TEXT NOT NULL);
        CREATE TABLE station (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
        CREATE TABLE local_list (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
        CREATE TABLE authorization_cache (id_tag TEXT PRIMARY KEY NOT NULL, record TEXT NOT NULL);
        CREATE TABLE charging_profiles (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
        """,
        """
        CREATE TABLE security (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
        CREATE TABLE security_event (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT NOT NULL);
        """,
    ]

    public init(directory: String, durability: Durability = .syncEachCommit) throws(StoreError) {
        self.durability = durability
        (database, path) = try openDatabase(
            directory: directory, for: .v16, migrations: Self.migrations, durability: durability)
    }

    public func load() throws(StoreError) -> PersistedState {
        var state = PersistedState()
        for (key, value) in try database.rows("SELECT key, value FROM configuration", [], { ($0.text(0), $0.text(1)) }) {
            state.configuration[key] = value
        }
        state.station = try database.records(StationRecord.self, "SELECT record FROM station").first ?? StationRecord()
        state.connectors = try database.records(ConnectorRecord.self, "SELECT record FROM connector ORDER BY id")
        state.transactions = try database.records(TransactionRecord.self, "SELECT record FROM \"transaction\" ORDER BY local_id")
        state.queue = try database.records(QueuedMessage.self, "SELECT record FROM queue ORDER BY sequence")
        state.localList = try database.records(LocalAuthorizationList.self, "SELECT record FROM local_list").first ?? LocalAuthorizationList()
        state.chargingProfiles =
            try database.records(ChargingProfiles.self, "SELECT record FROM charging_profiles").first ?? ChargingProfiles()
        state.cache = try database.records(AuthorizationCache.Entry.self, "SELECT record FROM authorization_cache ORDER BY id_tag")
        state.security = try database.records(SecurityRecord.self, "SELECT record FROM security").first ?? SecurityRecord()
        state.securityEvents = try database.records(SecurityEvent.self, "SELECT record FROM security_event ORDER BY id")
        return state
    }

    /// Commits a batch of changes as one SQLite transaction, on disk before it returns.
    ///
    /// A batch that only removes delivered messages is not synced: it still survives a crash of the process
    /// (SIGKILL), and only a power cut could bring such a message back, to be sent once more, which
    /// at-least-once delivery allows. Syncing it would cap an offline backlog's delivery at one message per
    /// disk flush.
    public func apply(_ changes: [StoreChange]) throws(StoreError) {
        let onlyDeliveries = changes.allSatisfy { if case .dequeue = $0 { true } else { false } }
        do {
            try database.commit(durability, synced: !onlyDeliveries) { () throws(StoreError) in
                for change in changes { try apply(change) }
            }
        } catch {
            throw StoreError(description: "cannot write to \(path): \(error)")
        }
    }

    private func apply(_ change: StoreChange) throws(StoreError) {
        switch change {
        case .saveStation(let record):
            try database.run("INSERT OR REPLACE INTO station (id, record) VALUES (1, ?)", [.json(record)])
        case .saveConnector(let record):
            try database.run("INSERT OR REPLACE INTO connector (id, record) VALUES (?, ?)", [.integer(record.id), .json(record)])
        case .saveTransaction(let record):
            try database.run(
                "INSERT OR REPLACE INTO \"transaction\" (local_id, active, record) VALUES (?, ?, ?)",
                [.integer(record.localId), .integer(record.isActive ? 1 : 0), .json(record)])
        case .deleteTransaction(let localId):
            try database.run("DELETE FROM \"transaction\" WHERE local_id = ?", [.integer(localId)])
        case .enqueue(let message), .updateQueued(let message):
            try database.run(
                "INSERT OR REPLACE INTO queue (sequence, local_id, record) VALUES (?, ?, ?)",
                [.integer(message.sequence), .integer(message.transactionLocalId), .json(message)])
        case .dequeue(let sequence):
            try database.run("DELETE FROM queue WHERE sequence = ?", [.integer(sequence)])
        case .saveConfiguration(let key, let value):
            try database.run("INSERT OR REPLACE INTO configuration (key, value) VALUES (?, ?)", [.text(key), .text(value)])
        case .saveLocalList(let list):
            try database.run("INSERT OR REPLACE INTO local_list (id, record) VALUES (1, ?)", [.json(list)])
        case .saveCacheEntry(let entry):
            try database.run(
                "INSERT OR REPLACE INTO authorization_cache (id_tag, record) VALUES (?, ?)",
                [.text(entry.idTag.value.lowercased()), .json(entry)])
        case .deleteCacheEntry(let idTag):
            try database.run("DELETE FROM authorization_cache WHERE id_tag = ?", [.text(idTag.value.lowercased())])
        case .clearCache:
            try database.run("DELETE FROM authorization_cache", [])
        case .saveChargingProfiles(let profiles):
            try database.run("INSERT OR REPLACE INTO charging_profiles (id, record) VALUES (1, ?)", [.json(profiles)])
        case .saveSecurity(let record):
            try database.run("INSERT OR REPLACE INTO security (id, record) VALUES (1, ?)", [.json(record)])
        case .appendSecurityEvent(let event):
            try database.run("INSERT INTO security_event (record) VALUES (?)", [.json(event)])
            try database.run(
                "DELETE FROM security_event WHERE id <= (SELECT max(id) FROM security_event) - ?",
                [.integer(ChargePointEngine.securityLogCapacity)])
        }
    }

    /// For tests: a pragma's current value.
    func pragma(_ name: String) throws(StoreError) -> String? {
        try database.text("PRAGMA \(name)")
    }

    /// For tests: raw SQL, e.g. to damage a record.
    func execute(_ sql: String) throws(StoreError) {
        try database.execute(sql)
    }
}

extension SQLiteValue {
    static func json(_ value: some Encodable) -> SQLiteValue { .text(JSONWriter.string(value)) }
}

extension SQLiteConnection {
    /// The JSON records the query's first column holds. A stored record that no longer decodes stops the
    /// start: losing it silently would lose data.
    func records<Record: Decodable>(_ type: Record.Type, _ sql: String) throws(StoreError) -> [Record] {
        var decoded: [Record] = []
        for text in try rows(sql, [], { $0.text(0) }) {
            do {
                decoded.append(try StrictJSON.decode(Record.self, from: JSONValue.parse(text)))
            } catch {
                throw StoreError(description: "a stored \(Record.self) cannot be read (\(error)): \(text)")
            }
        }
        return decoded
    }
}
