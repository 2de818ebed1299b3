import Foundation
import GRDB
import NIOConcurrencyHelpers
public import SignetLog
import SignetCore

/// The embedded default: the log in one SQLite database file (WAL mode, full fsync per commit).
///
/// One connection writes (shared with the file's other stores, ``SQLiteFile``) and others read,
/// so tile serving never waits for a commit. A writer
/// transaction starts with `BEGIN IMMEDIATE`, which takes SQLite's single write lock: a second
/// process on the same file waits up to the busy timeout and then fails cleanly with
/// ``StoreError`` `.busy`, and it re-reads the committed size before appending (see ``Sequencer``).
public final class SQLiteLogStorage: LogStorage {
    private let file: SQLiteFile
    private var database: any DatabaseWriter { file.database }
    private var gate: SQLiteWriteGate { file.gate }

    private init(file: SQLiteFile) {
        self.file = file
    }

    /// Opens (creating if needed) the database at `path` and migrates its schema.
    /// - Parameters:
    ///   - path: the database file, or `":memory:"` for a private in-memory database (tests).
    ///   - busyTimeoutMilliseconds: how long a writer waits for another process's write lock.
    /// - Throws: ``StoreError`` when the file cannot be opened or its schema is too new.
    public static func open(path: String, busyTimeoutMilliseconds: Int = 10_000) async throws -> SQLiteLogStorage {
        try await open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, migrate: true)
    }

    /// Test hook: creates an empty database at an older schema `version`, as an earlier release did.
    public static func testingOnlyCreateSchema(path: String, version: Int) async throws {
        let database = try SQLiteSchema.open(path: path, busyTimeoutMilliseconds: 1000)
        try await database.writeWithoutTransaction { try SQLiteSchema.migrate($0, to: version) }
        try database.close()
    }

    /// Opens without migrating when `migrate` is false (tests of old schemas only).
    static func open(path: String, busyTimeoutMilliseconds: Int = 10_000, migrate: Bool) async throws -> SQLiteLogStorage {
        if migrate {
            return SQLiteLogStorage(file: try await SQLiteFile.open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds))
        }
        do {
            return SQLiteLogStorage(file: try SQLiteFile.openPrivately(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds))
        } catch {
            throw StoreError(.unavailable, "cannot open SQLite database at \(path): \(error)")
        }
    }

    /// Leaves the file's shared pool (the last store on the file closes it).
    public func close() async {
        file.close()
    }

    public func withWriter<T: Sendable>(_ body: @Sendable (any LogWriteTransaction) async throws -> T) async throws -> T {
        // The whole batch holds the gate: this process's other writers queue without a thread,
        // and none can slip into the writer between this batch's accesses.
        // On the writer thread: the batch's statements and its commit's fsync block it, not the
        // request handlers' threads (SQLiteWriterThread).
        try await withTaskExecutorPreference(SQLiteWriterThread.shared) { try await writeBatch(body) }
    }

    private func writeBatch<T: Sendable>(_ body: @Sendable (any LogWriteTransaction) async throws -> T) async throws -> T {
        try await gate.withWriteAccess {
            do {
                try database.writeInPlace { try $0.beginTransaction(.immediate) }
            } catch {
                throw StoreError(.busy, "another process holds the log's write lock: \(error)")
            }
            do {
                let transaction = SQLiteWriteTransaction(database: database)
                let result = try await body(transaction)
                // The batch's writes, buffered by the transaction, run in the committing access.
                let writes = transaction.bufferedWrites()
                try database.writeInPlace { db in
                    for write in writes { try write(db) }
                    try db.commit()
                }
                return result
            } catch {
                try? database.writeInPlace { db in if db.isInsideTransaction { try db.rollback() } }
                throw error
            }
        }
    }

    public func latestCheckpoint() async throws -> String? {
        try await database.read { db in try String.fetchOne(db.cachedStatement(sql: "SELECT note FROM log_checkpoint WHERE id = 1")) }
    }

    public func tile(level: Int, index: UInt64) async throws -> [UInt8]? {
        try await database.read { db in try SQLiteWriteTransaction.tile(level: level, index: index, in: db) }
    }

    public func entries(from start: UInt64, count: Int) async throws -> [[UInt8]] {
        guard let rows = StoredIndex.rows(from: start, count: count) else { return [] }
        return try await database.read { db in
            try Data.fetchAll(db.cachedStatement(sql: "SELECT data FROM log_entries WHERE idx >= ? AND idx < ? ORDER BY idx"),
                              arguments: [rows.lowerBound, rows.upperBound]).map(Array.init)
        }
    }
}

/// The ledger batch's view of the writer's open transaction: reads run at once, writes are
/// buffered and run together in the access that commits (one trip to the writer, not four).
final class SQLiteWriteTransaction: LogWriteTransaction {
    private let database: any DatabaseWriter
    private let writes = NIOLockedValueBox<[@Sendable (Database) throws -> Void]>([])

    init(database: any DatabaseWriter) {
        self.database = database
    }

    /// Rows per INSERT statement; well under SQLite's 32,766 bound-parameter limit.
    static let rowsPerStatement = 512

    /// The buffered writes, in call order.
    func bufferedWrites() -> [@Sendable (Database) throws -> Void] { writes.withLockedValue { $0 } }

    private func buffer(_ write: @escaping @Sendable (Database) throws -> Void) {
        writes.withLockedValue { $0.append(write) }
    }

    func treeSize() async throws -> UInt64 {
        try database.writeInPlace { db in
            UInt64(try Int64.fetchOne(db.cachedStatement(sql: "SELECT size FROM log_checkpoint WHERE id = 1")) ?? 0)
        }
    }

    func tile(level: Int, index: UInt64) async throws -> [UInt8]? {
        try database.writeInPlace { db in try Self.tile(level: level, index: index, in: db) }
    }

    static func tile(level: Int, index: UInt64, in db: Database) throws -> [UInt8]? {
        guard let row = StoredIndex.row(index) else { return nil }
        return try Data.fetchOne(db.cachedStatement(sql: "SELECT data FROM log_tiles WHERE level = ? AND idx = ?"), arguments: [level, row]).map(Array.init)
    }

    func appendEntries(startingAt start: UInt64, _ entries: [[UInt8]]) async throws {
        buffer { db in
            var offset = 0
            while offset < entries.count {
                let chunk = entries[offset..<min(entries.count, offset + Self.rowsPerStatement)]
                let statement = try db.cachedStatement(sql: "INSERT INTO log_entries (idx, data) VALUES " + Self.placeholders(rows: chunk.count, columns: 2))
                var values: [(any DatabaseValueConvertible)?] = []
                values.reserveCapacity(chunk.count * 2)
                for (i, entry) in chunk.enumerated() {
                    values.append(Int64(start) + Int64(offset + i))
                    values.append(Data(entry))
                }
                try statement.execute(arguments: StatementArguments(values))
                offset += chunk.count
            }
        }
    }

    func putTiles(_ tiles: [TreeEdge.TileUpdate]) async throws {
        guard !tiles.isEmpty else { return }
        buffer { db in
            var values: [(any DatabaseValueConvertible)?] = []
            for tile in tiles {
                values.append(tile.level)
                values.append(Int64(tile.index))
                values.append(Data(MerkleHash.join(tile.hashes)))
            }
            try db.cachedStatement(sql: "INSERT INTO log_tiles (level, idx, data) VALUES " + Self.placeholders(rows: tiles.count, columns: 3)
                                   + " ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data")
                .execute(arguments: StatementArguments(values))
        }
    }

    func putCheckpoint(size: UInt64, note: String) async throws {
        buffer { db in
            try db.cachedStatement(sql: "INSERT INTO log_checkpoint (id, size, note) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET size = excluded.size, note = excluded.note")
                .execute(arguments: [Int64(size), note])
        }
    }

    /// `(?, ?), (?, ?), …` for a multi-row VALUES clause.
    static func placeholders(rows: Int, columns: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        return Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
