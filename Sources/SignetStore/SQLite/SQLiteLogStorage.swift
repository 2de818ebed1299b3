import Logging
import NIOCore
import SQLiteNIO
import SignetLog

/// The embedded default: the log in one SQLite database file (WAL mode, full fsync per commit).
///
/// One connection writes and others read, so tile serving never waits for a commit. A writer
/// transaction starts with `BEGIN IMMEDIATE`, which takes SQLite's single write lock: a second
/// process on the same file waits up to the busy timeout and then fails cleanly with
/// ``StoreError`` `.busy`, and it re-reads the committed size before appending (see ``Sequencer``).
public final class SQLiteLogStorage: LogStorage {
    private let writer: SQLiteConnection
    private let readers: [SQLiteConnection]
    private let gate: SQLiteWriteGate
    private let nextReader = ManagedCounter()

    private init(writer: SQLiteConnection, readers: [SQLiteConnection], gate: SQLiteWriteGate) {
        self.writer = writer
        self.readers = readers
        self.gate = gate
    }

    /// Opens (creating if needed) the database at `path` and migrates its schema.
    /// - Parameters:
    ///   - path: the database file, or `":memory:"` for a private in-memory database (tests).
    ///   - busyTimeoutMilliseconds: how long a writer waits for another process's write lock.
    ///   - readerCount: reader connections for serving tiles.
    /// - Throws: ``StoreError`` when the file cannot be opened or its schema is too new.
    public static func open(path: String, busyTimeoutMilliseconds: Int = 10_000, readerCount: Int = 2) async throws -> SQLiteLogStorage {
        try await open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, readerCount: readerCount, migrate: true)
    }

    /// Test hook: creates an empty database at an older schema `version`, as an earlier release did.
    public static func testingOnlyCreateSchema(path: String, version: Int) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        try await SQLiteSchema.configure(connection, busyTimeoutMilliseconds: 1000)
        try await SQLiteSchema.migrate(connection, to: version)
        try await connection.close()
    }

    /// Opens without migrating when `migrate` is false (tests of old schemas only).
    static func open(path: String, busyTimeoutMilliseconds: Int = 10_000, readerCount: Int = 2, migrate: Bool) async throws -> SQLiteLogStorage {
        let logger = Logger(label: "signet.store.sqlite")
        let memory = path == ":memory:"
        let storage: SQLiteConnection.Storage = memory ? .memory : .file(path: path)
        do {
            let gate = SQLiteWriteGate.shared(path: path)
            let writer = try await SQLiteConnection.open(storage: storage, logger: logger)
            try await SQLiteSchema.configure(writer, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            if migrate { try await gate.withWriteAccess { try await SQLiteSchema.migrate(writer) } }
            // A private in-memory database cannot be shared, so the writer also serves reads.
            var readers: [SQLiteConnection] = []
            if !memory {
                for _ in 0..<max(1, readerCount) {
                    let reader = try await SQLiteConnection.open(storage: storage, logger: logger)
                    try await SQLiteSchema.configure(reader, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
                    readers.append(reader)
                }
            }
            return SQLiteLogStorage(writer: writer, readers: readers.isEmpty ? [writer] : readers, gate: gate)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.unavailable, "cannot open SQLite database at \(path): \(error)")
        }
    }

    /// Closes all connections.
    public func close() async {
        for reader in readers where reader !== writer { try? await reader.close() }
        try? await writer.close()
    }

    private var reader: SQLiteConnection { readers[nextReader.next() % readers.count] }

    public func withWriter<T: Sendable>(_ body: @Sendable (any LogWriteTransaction) async throws -> T) async throws -> T {
        // The whole batch holds the gate: this process's other writers queue without a thread.
        try await gate.withWriteAccess {
            do {
                _ = try await writer.query("BEGIN IMMEDIATE")
            } catch {
                throw StoreError(.busy, "another process holds the log's write lock: \(error)")
            }
            do {
                let result = try await body(SQLiteWriteTransaction(connection: writer))
                _ = try await writer.query("COMMIT")
                return result
            } catch {
                _ = try? await writer.query("ROLLBACK")
                throw error
            }
        }
    }

    public func latestCheckpoint() async throws -> String? {
        try await reader.query("SELECT note FROM log_checkpoint WHERE id = 1").first?.column("note")?.string
    }

    public func tile(level: Int, index: UInt64) async throws -> [UInt8]? {
        try await SQLiteWriteTransaction.tile(level: level, index: index, on: reader)
    }

    public func entries(from start: UInt64, count: Int) async throws -> [[UInt8]] {
        let rows = try await reader.query(
            "SELECT data FROM log_entries WHERE idx >= ?1 AND idx < ?2 ORDER BY idx",
            [.integer(Int(start)), .integer(Int(start) + count)])
        return rows.compactMap { $0.column("data")?.blob.map { Array($0.readableBytesView) } }
    }
}

/// Writes inside the writer connection's open transaction.
struct SQLiteWriteTransaction: LogWriteTransaction {
    let connection: SQLiteConnection

    /// Rows per INSERT statement; well under SQLite's 32,766 bound-parameter limit.
    static let rowsPerStatement = 512

    func treeSize() async throws -> UInt64 {
        let row = try await connection.query("SELECT size FROM log_checkpoint WHERE id = 1").first
        return UInt64(row?.column("size")?.integer ?? 0)
    }

    func tile(level: Int, index: UInt64) async throws -> [UInt8]? {
        try await Self.tile(level: level, index: index, on: connection)
    }

    static func tile(level: Int, index: UInt64, on connection: SQLiteConnection) async throws -> [UInt8]? {
        let rows = try await connection.query(
            "SELECT data FROM log_tiles WHERE level = ?1 AND idx = ?2", [.integer(level), .integer(Int(index))])
        return rows.first?.column("data")?.blob.map { Array($0.readableBytesView) }
    }

    func appendEntries(startingAt start: UInt64, _ entries: [[UInt8]]) async throws {
        var offset = 0
        while offset < entries.count {
            let chunk = entries[offset..<min(entries.count, offset + Self.rowsPerStatement)]
            let placeholders = (0..<chunk.count).map { "(?\(2 * $0 + 1), ?\(2 * $0 + 2))" }.joined(separator: ",")
            var binds: [SQLiteData] = []
            binds.reserveCapacity(chunk.count * 2)
            for (i, entry) in chunk.enumerated() {
                binds.append(.integer(Int(start) + offset + i))
                binds.append(.blob(ByteBuffer(bytes: entry)))
            }
            _ = try await connection.query("INSERT INTO log_entries (idx, data) VALUES \(placeholders)", binds)
            offset += chunk.count
        }
    }

    func putTiles(_ tiles: [TreeEdge.TileUpdate]) async throws {
        guard !tiles.isEmpty else { return }
        let placeholders = (0..<tiles.count).map { "(?\(3 * $0 + 1), ?\(3 * $0 + 2), ?\(3 * $0 + 3))" }.joined(separator: ",")
        var binds: [SQLiteData] = []
        for tile in tiles {
            binds.append(.integer(tile.level))
            binds.append(.integer(Int(tile.index)))
            binds.append(.blob(ByteBuffer(bytes: MerkleHash.join(tile.hashes))))
        }
        _ = try await connection.query(
            "INSERT INTO log_tiles (level, idx, data) VALUES \(placeholders) ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data",
            binds)
    }

    func putCheckpoint(size: UInt64, note: String) async throws {
        _ = try await connection.query(
            "INSERT INTO log_checkpoint (id, size, note) VALUES (1, ?1, ?2) ON CONFLICT (id) DO UPDATE SET size = excluded.size, note = excluded.note",
            [.integer(Int(size)), .text(note)])
    }
}
