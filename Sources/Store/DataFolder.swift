import CSQLite
import Glibc

/// The OCPP version a data folder belongs to. Its records mean different things under the two versions, so
/// a folder written by one is refused by the other instead of being read wrongly.
public enum StoredProtocol: Int32, Sendable, CustomStringConvertible {
    /// Also every database from before the mark was written (application_id 0): only 1.6 existed then.
    case ocpp16 = 0
    /// "O201" as SQLite's `application_id`.
    case ocpp201 = 0x4F32_3031

    public var description: String {
        switch self {
        case .ocpp16: "OCPP 1.6"
        case .ocpp201: "OCPP 2.0.1"
        }
    }

    var option: String {
        switch self {
        case .ocpp16: "1.6"
        case .ocpp201: "2.0.1"
        }
    }
}

/// Opens the data folder's database for one protocol version (WAL, synchronous FULL, owner-only) and brings
/// its schema up to date: one place for what both stores need from the file.
func openDatabase(
    directory: String, for version: StoredProtocol, migrations: [String]
) throws(StoreError) -> (SQLiteConnection, path: String) {
    let path = directory.hasSuffix("/") ? directory + "chargepoint.sqlite" : directory + "/chargepoint.sqlite"
    let database = try SQLiteConnection(path: path)
    // It holds keys and passwords: owner only (SQLite gives the -wal and -shm files the same mode).
    chmod(path, 0o600)
    try database.execute("PRAGMA journal_mode = WAL")
    try database.execute("PRAGMA synchronous = FULL")
    let applied = Int(try database.text("PRAGMA user_version") ?? "0") ?? 0
    let mark = Int32(try database.text("PRAGMA application_id") ?? "0") ?? 0
    if applied > 0 || mark != 0, mark != version.rawValue {
        let other = StoredProtocol(rawValue: mark)
        throw StoreError(
            description: "the data folder \(directory) holds a charge point of "
                + "\(other?.description ?? "an unknown kind (application_id \(mark))"), not \(version): start with "
                + "\(other.map { "--ocpp \($0.option)" } ?? "the version that wrote it") or give another --data-dir")
    }
    for (index, migration) in migrations.enumerated().dropFirst(applied) {
        try database.transaction { () throws(StoreError) in
            try database.execute(migration)
            try database.execute("PRAGMA application_id = \(version.rawValue)")
            try database.execute("PRAGMA user_version = \(index + 1)")
        }
    }
    return (database, path)
}
