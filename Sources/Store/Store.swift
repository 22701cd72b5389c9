import ChargePoint
import GRDB
import OCPP16
import SmartCharging

public struct StoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// The charge point's durable state in SQLite (WAL, synchronous=FULL): a change is on disk when `apply`
/// returns, before the frame or answer that depends on it is sent. Records are stored as JSON documents
/// keyed by their identity; the engine is the only writer, so no query logic lives here.
///
/// Used from the engine's thread only, which is why it needs no locking of its own.
public final class Store {
    private let database: DatabaseQueue
    public let path: String

    public init(directory: String) throws(StoreError) {
        path = directory.hasSuffix("/") ? directory + "chargepoint.sqlite" : directory + "/chargepoint.sqlite"
        do {
            var configuration = GRDB.Configuration()
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
            }
            database = try DatabaseQueue(path: path, configuration: configuration)
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try Self.migrator.migrate(database)
        } catch {
            throw StoreError(description: "cannot open the database \(path): \(error)")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE configuration (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL);
                    CREATE TABLE connector (id INTEGER PRIMARY KEY NOT NULL, record TEXT NOT NULL);
                    CREATE TABLE "transaction" (
                        local_id INTEGER PRIMARY KEY NOT NULL, active INTEGER NOT NULL, record TEXT NOT NULL);
                    CREATE TABLE queue (
                        sequence INTEGER PRIMARY KEY NOT NULL, local_id INTEGER NOT NULL, record TEXT NOT NULL);
                    CREATE TABLE station (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
                    CREATE TABLE local_list (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
                    CREATE TABLE authorization_cache (id_tag TEXT PRIMARY KEY NOT NULL, record TEXT NOT NULL);
                    CREATE TABLE charging_profiles (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
                    """)
        }
        return migrator
    }

    public func load() throws(StoreError) -> PersistedState {
        do {
            return try database.read { db in
                var state = PersistedState()
                for row in try Row.fetchAll(db, sql: "SELECT key, value FROM configuration") {
                    state.configuration[row["key"]] = row["value"] as String
                }
                state.station = try Self.records(db, StationRecord.self, sql: "SELECT record FROM station").first ?? StationRecord()
                state.connectors = try Self.records(db, ConnectorRecord.self, sql: "SELECT record FROM connector ORDER BY id")
                state.transactions = try Self.records(
                    db, TransactionRecord.self, sql: "SELECT record FROM \"transaction\" ORDER BY local_id")
                state.queue = try Self.records(db, QueuedMessage.self, sql: "SELECT record FROM queue ORDER BY sequence")
                state.localList =
                    try Self.records(db, LocalAuthorizationList.self, sql: "SELECT record FROM local_list").first
                    ?? LocalAuthorizationList()
                state.chargingProfiles =
                    try Self.records(db, ChargingProfiles.self, sql: "SELECT record FROM charging_profiles").first
                    ?? ChargingProfiles()
                state.cache = try Self.records(
                    db, AuthorizationCache.Entry.self, sql: "SELECT record FROM authorization_cache ORDER BY id_tag")
                return state
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(description: "cannot read \(path): \(error)")
        }
    }

    /// Commits a batch of changes as one SQLite transaction.
    public func apply(_ changes: [StoreChange]) throws(StoreError) {
        do {
            try database.write { db in
                for change in changes { try Self.apply(change, db) }
            }
        } catch {
            throw StoreError(description: "cannot write to \(path): \(error)")
        }
    }

    /// Statements are prepared once and reused (cachedStatement): compiling SQL dominated a commit's cost.
    private static func apply(_ change: StoreChange, _ db: Database) throws {
        func run(_ sql: String, _ arguments: StatementArguments) throws {
            try db.cachedStatement(sql: sql).execute(arguments: arguments)
        }
        switch change {
        case .saveStation(let record):
            try run("INSERT OR REPLACE INTO station (id, record) VALUES (1, ?)", [JSONWriter.string(record)])
        case .saveConnector(let record):
            try run("INSERT OR REPLACE INTO connector (id, record) VALUES (?, ?)", [record.id, JSONWriter.string(record)])
        case .saveTransaction(let record):
            try run(
                "INSERT OR REPLACE INTO \"transaction\" (local_id, active, record) VALUES (?, ?, ?)",
                [record.localId, record.isActive, JSONWriter.string(record)])
        case .deleteTransaction(let localId):
            try run("DELETE FROM \"transaction\" WHERE local_id = ?", [localId])
        case .enqueue(let message), .updateQueued(let message):
            try run(
                "INSERT OR REPLACE INTO queue (sequence, local_id, record) VALUES (?, ?, ?)",
                [message.sequence, message.transactionLocalId, JSONWriter.string(message)])
        case .dequeue(let sequence):
            try run("DELETE FROM queue WHERE sequence = ?", [sequence])
        case .saveConfiguration(let key, let value):
            try run("INSERT OR REPLACE INTO configuration (key, value) VALUES (?, ?)", [key, value])
        case .saveLocalList(let list):
            try run("INSERT OR REPLACE INTO local_list (id, record) VALUES (1, ?)", [JSONWriter.string(list)])
        case .saveCacheEntry(let entry):
            try run(
                "INSERT OR REPLACE INTO authorization_cache (id_tag, record) VALUES (?, ?)",
                [entry.idTag.value.lowercased(), JSONWriter.string(entry)])
        case .deleteCacheEntry(let idTag):
            try run("DELETE FROM authorization_cache WHERE id_tag = ?", [idTag.value.lowercased()])
        case .clearCache:
            try run("DELETE FROM authorization_cache", [])
        case .saveChargingProfiles(let profiles):
            try run(
                "INSERT OR REPLACE INTO charging_profiles (id, record) VALUES (1, ?)", [JSONWriter.string(profiles)])
        }
    }

    /// For tests: a pragma's current value.
    func pragma(_ name: String) throws -> String? {
        try database.read { db in try String.fetchOne(db, sql: "PRAGMA \(name)") }
    }

    /// For tests: raw SQL, e.g. to damage a record.
    func execute(_ sql: String) throws {
        try database.write { db in try db.execute(sql: sql) }
    }

    private static func records<Record: Decodable>(_ db: Database, _ type: Record.Type, sql: String) throws -> [Record] {
        try String.fetchAll(db, sql: sql).map { text in
            do {
                return try StrictJSON.decode(Record.self, from: JSONValue.parse(text))
            } catch {
                throw StoreError(description: "a stored \(Record.self) cannot be read (\(error)): \(text)")
            }
        }
    }
}
