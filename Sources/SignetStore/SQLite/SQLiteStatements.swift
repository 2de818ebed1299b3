import Foundation
import GRDB

/// The statements every SQLite store runs, on the file's shared pool (``SQLiteFile``).
///
/// Writes are group-committed (``SQLiteGroupCommit``) through the file's ``SQLiteWriteGate``,
/// which orders them with the ledger's batches without holding a thread, so a store's write never
/// lands inside a ledger batch's open transaction. Reads use the pool's reader connections, which
/// see only committed data, never a group transaction in progress.
struct SQLiteStatements: Sendable {
    let file: SQLiteFile
    private var writes: SQLiteGroupCommit { file.writes }
    private var database: any DatabaseWriter { file.database }

    /// Runs `job` in the next group transaction; concurrent requests' jobs share one commit (and fsync).
    func write<T: Sendable>(_ job: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writes.write(job)
    }

    /// Runs one writing statement and maps its returned rows.
    func write<T: Sendable>(_ sql: String, _ arguments: StatementArguments, row: @escaping @Sendable (Row) throws -> T?) async throws -> [T] {
        try await writes.write(sql, arguments, row: row)
    }

    /// Runs one writing statement that returns no rows.
    func execute(_ sql: String, _ arguments: StatementArguments) async throws {
        try await writes.execute(sql, arguments)
    }

    /// Runs a lookup by key on a reader connection, on the calling thread (see ``DatabaseReader/readInPlace(_:)``).
    func read<T>(_ sql: String, _ arguments: StatementArguments, row: (Row) throws -> T?) throws -> [T] {
        try database.readInPlace { db in try Self.map(db, sql, arguments, row) }
    }

    /// Runs a scan on a reader connection's own thread.
    func scan<T: Sendable>(_ sql: String, _ arguments: StatementArguments, row: @escaping @Sendable (Row) throws -> T?) async throws -> [T] {
        try await database.read { db in try Self.map(db, sql, arguments, row) }
    }

    /// Maps each row as SQLite steps to it. Deliberate: a cursor's row reads the statement in
    /// place, where `fetchAll` first copies every row's every value into an array of its own.
    private static func map<T>(_ db: Database, _ sql: String, _ arguments: StatementArguments, _ row: (Row) throws -> T?) throws -> [T] {
        let cursor = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var mapped: [T] = []
        while let next = try cursor.next() {
            if let value = try row(next) { mapped.append(value) }
        }
        return mapped
    }
}

/// One concept's store in the SQLite file: holders and parties, nonces, activity, grants,
/// rate limits. Each holds the file's shared pool until closed.
protocol SQLiteStore: ClosableStore {
    init(statements: SQLiteStatements)
    var statements: SQLiteStatements { get }
}

extension SQLiteStore {
    /// Opens (creating and migrating if needed) the database at `path`.
    /// - Throws: ``StoreError`` when the database cannot be opened or its schema is too new.
    static func open(path: String, busyTimeoutMilliseconds: Int = 10_000) async throws -> Self {
        Self(statements: SQLiteStatements(file: try await SQLiteFile.open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds)))
    }

    /// Leaves the file's shared pool (the last store on the file closes it).
    func close() async {
        statements.file.close()
    }
}
