import CSQLite
import Glibc
import OCPPJ

/// A data folder belongs to the OCPP version that wrote it: its records mean different things under the two
/// versions, so a folder written by one is refused by the other instead of being read wrongly. The mark is
/// SQLite's `application_id`.
extension OCPPVersion {
    var applicationId: Int32 {
        switch self {
        // Also every database from before the mark was written (application_id 0): only 1.6 existed then.
        case .v16: 0
        // "O201"
        case .v201: 0x4F32_3031
        }
    }

    init?(applicationId: Int32) {
        guard let version = Self.allCases.first(where: { $0.applicationId == applicationId }) else { return nil }
        self = version
    }
}

/// Opens the data folder's database for one protocol version (WAL, owner-only, synced as `durability` says)
/// and brings its schema up to date: one place for what both stores need from the file.
func openDatabase(
    directory: String, for version: OCPPVersion, migrations: [String], durability: Durability
) throws(StoreError) -> (SQLiteConnection, path: String) {
    let path = directory.hasSuffix("/") ? directory + "chargepoint.sqlite" : directory + "/chargepoint.sqlite"
    let database = try SQLiteConnection(path: path)
    // It holds keys and passwords: owner only (SQLite gives the -wal and -shm files the same mode).
    chmod(path, 0o600)
    try database.execute("PRAGMA journal_mode = WAL")
    switch durability {
    case .syncEachCommit:
        try database.execute("PRAGMA synchronous = FULL")
    case .grouped(let group):
        try group.join(directory: directory)
        try database.execute("PRAGMA synchronous = NORMAL")
    }
    let applied = Int(try database.text("PRAGMA user_version") ?? "0") ?? 0
    let mark = Int32(try database.text("PRAGMA application_id") ?? "0") ?? 0
    if applied > 0 || mark != 0, mark != version.applicationId {
        let other = OCPPVersion(applicationId: mark)
        throw StoreError(
            description: "the data folder \(directory) holds a charge point of "
                + "\(other?.description ?? "an unknown kind (application_id \(mark))"), not \(version): start with "
                + "\(other.map { "--ocpp \($0.rawValue)" } ?? "the version that wrote it") or give another --data-dir")
    }
    // Every pending migration in one transaction: one commit (a fleet creates a thousand databases), and a
    // schema that is either wholly up to date or untouched.
    if applied < migrations.count {
        try database.commit(durability) { () throws(StoreError) in
            for migration in migrations.dropFirst(applied) { try database.execute(migration) }
            try database.execute("PRAGMA application_id = \(version.applicationId)")
            try database.execute("PRAGMA user_version = \(migrations.count)")
        }
    }
    return (database, path)
}

extension SQLiteConnection {
    /// Runs `body` as one transaction that is on disk when this returns, or, with `synced` false, that
    /// survives a crash of the process but maybe not a power cut (what at-least-once delivery may lose).
    func commit(
        _ durability: Durability, synced: Bool = true, _ body: () throws(StoreError) -> Void
    ) throws(StoreError) {
        switch durability {
        case .syncEachCommit:
            // Through `execute`, compiled each time: SQLite applies this pragma when it compiles it, so a
            // kept statement would change nothing the second time.
            if !synced { try execute("PRAGMA synchronous = NORMAL") }
            defer { if !synced { try? execute("PRAGMA synchronous = FULL") } }
            try transaction(body)
        case .grouped(let group):
            try transaction(body)
            if synced { try group.waitUntilDurable() }
        }
    }
}
