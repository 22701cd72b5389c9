import CSQLite

/// The few SQLite calls the store needs: one connection, statements prepared once and reused, typed
/// errors carrying SQLite's own message. Not thread-safe: the store's owner serialises its use.
final class SQLiteConnection {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]

    init(path: String) throws(StoreError) {
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        guard sqlite3_open_v2(path, &handle, flags, nil) == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw StoreError(description: "cannot open the database \(path): \(message)")
        }
        sqlite3_busy_timeout(handle, 5000)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(handle)
    }

    /// Runs SQL without parameters or results, one statement or several, compiled anew each time: for the
    /// schema and pragmas (some take effect when compiled). What runs per commit goes through `run`,
    /// which keeps it compiled.
    func execute(_ sql: String) throws(StoreError) {
        guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else { throw error(sql) }
    }

    /// One value of the first row, as text (pragmas).
    func text(_ sql: String) throws(StoreError) -> String? {
        try rows(sql, []) { statement in sqlite3_column_text(statement, 0).map { String(cString: $0) } }.first ?? nil
    }

    /// Runs a statement once with these arguments.
    func run(_ sql: String, _ arguments: [SQLiteValue]) throws(StoreError) {
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement) }
        try bind(arguments, to: statement, sql)
        guard sqlite3_step(statement) == SQLITE_DONE else { throw error(sql) }
    }

    /// Every row of a query, each read by `read`.
    func rows<Row>(_ sql: String, _ arguments: [SQLiteValue], _ read: (OpaquePointer) -> Row) throws(StoreError) -> [Row] {
        let statement = try prepared(sql)
        defer { sqlite3_reset(statement) }
        try bind(arguments, to: statement, sql)
        var result: [Row] = []
        while true {
            switch sqlite3_step(statement) {
            case SQLITE_ROW: result.append(read(statement))
            case SQLITE_DONE: return result
            default: throw error(sql)
            }
        }
    }

    /// Runs `body` inside one transaction: committed when it returns, rolled back when it throws.
    func transaction(_ body: () throws(StoreError) -> Void) throws(StoreError) {
        try run("BEGIN IMMEDIATE", [])
        do {
            try body()
            try run("COMMIT", [])
        } catch {
            try? run("ROLLBACK", [])
            throw error
        }
    }

    private func prepared(_ sql: String) throws(StoreError) -> OpaquePointer {
        if let statement = statements[sql] { return statement }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { throw error(sql) }
        statements[sql] = statement
        return statement
    }

    private func bind(_ arguments: [SQLiteValue], to statement: OpaquePointer, _ sql: String) throws(StoreError) {
        sqlite3_clear_bindings(statement)
        for (offset, argument) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let result =
                switch argument {
                case .integer(let value): sqlite3_bind_int64(statement, index, Int64(value))
                case .text(let value): sqlite3_bind_text(statement, index, value, -1, cp_sqlite_transient())
                }
            guard result == SQLITE_OK else { throw error(sql) }
        }
    }

    private func error(_ sql: String) -> StoreError {
        StoreError(description: "\(String(cString: sqlite3_errmsg(handle))) (in \(sql.prefix(60)))")
    }
}

enum SQLiteValue {
    case integer(Int)
    case text(String)
}

extension OpaquePointer {
    /// Column `index` of the current row as text ("" for NULL).
    func text(_ index: Int32) -> String {
        sqlite3_column_text(self, index).map { String(cString: $0) } ?? ""
    }

    /// Column `index` of the current row as an integer (0 for NULL).
    func integer(_ index: Int32) -> Int {
        Int(sqlite3_column_int64(self, index))
    }
}
