public import Logging
import NIOCore
import PostgresKit
import PostgresNIO
public import SignetLog

/// The scale-out store: the log in PostgreSQL, shared by any number of server instances.
///
/// Deliberate: every writer transaction first takes a transaction-scoped advisory lock, so
/// instances take turns as the one logical sequencer, and each re-reads the committed tree
/// size under that lock before appending (see ``Sequencer``). The log can therefore never fork,
/// whatever the instances cache.
public struct PostgresLogStorage: LogStorage, PostgresStore {
    /// The advisory-lock key of the log's single writer ("signetlg" as an integer).
    static let writerLockKey: Int64 = 0x7369_676E_6574_6C67

    let database: PostgresDatabase

    /// A log on a connected database (``PostgresDatabase/connect(url:logger:)``); closing the
    /// database closes the log.
    public init(database: PostgresDatabase) { self.database = database }

    /// Stops the database's pool (``LogStorage`` requires it).
    public func close() async { await database.close() }

    public func withWriter<T: Sendable>(_ body: @Sendable (any LogWriteTransaction) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            _ = try await connection.query("BEGIN", logger: logger)
            do {
                _ = try await connection.query("SELECT pg_advisory_xact_lock(\(Self.writerLockKey))", logger: logger)
                let result = try await body(PostgresWriteTransaction(connection: connection, logger: logger))
                _ = try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    public func latestCheckpoint() async throws -> String? {
        let rows = try await client.query("SELECT note FROM log_checkpoint WHERE id = 1", logger: logger)
        for try await note in rows.decode(String.self) { return note }
        return nil
    }

    public func tile(level: Int, index: UInt64) async throws -> [UInt8]? {
        guard let row = StoredIndex.row(index) else { return nil }
        let rows = try await client.query(
            "SELECT data FROM log_tiles WHERE level = \(level) AND idx = \(row)", logger: logger)
        for try await data in rows.decode(ByteBuffer.self) { return Array(data.readableBytesView) }
        return nil
    }

    public func entries(from start: UInt64, count: Int) async throws -> [[UInt8]] {
        guard let range = StoredIndex.rows(from: start, count: count) else { return [] }
        let rows = try await client.query(
            "SELECT data FROM log_entries WHERE idx >= \(range.lowerBound) AND idx < \(range.upperBound) ORDER BY idx",
            logger: logger)
        var out: [[UInt8]] = []
        for try await data in rows.decode(ByteBuffer.self) { out.append(Array(data.readableBytesView)) }
        return out
    }

    /// Test hook: empties every Signet table so each test starts from a new log.
    public func testingOnlyReset() async throws {
        _ = try await client.query("TRUNCATE log_entries, log_tiles, log_checkpoint", logger: logger)
    }
}

/// Writes inside one connection's open transaction, under the advisory lock.
struct PostgresWriteTransaction: LogWriteTransaction {
    let connection: PostgresConnection
    let logger: Logger

    func treeSize() async throws -> UInt64 {
        let rows = try await connection.query("SELECT size FROM log_checkpoint WHERE id = 1", logger: logger)
        for try await size in rows.decode(Int64.self) { return UInt64(size) }
        return 0
    }

    func tile(level: Int, index: UInt64) async throws -> [UInt8]? {
        guard let row = StoredIndex.row(index) else { return nil }
        let rows = try await connection.query(
            "SELECT data FROM log_tiles WHERE level = \(level) AND idx = \(row)", logger: logger)
        for try await data in rows.decode(ByteBuffer.self) { return Array(data.readableBytesView) }
        return nil
    }

    func appendEntries(startingAt start: UInt64, _ entries: [[UInt8]]) async throws {
        let indexes = (0..<Int64(entries.count)).map { Int64(start) + $0 }
        let data = entries.map { ByteBuffer(bytes: $0) }
        _ = try await connection.query(
            "INSERT INTO log_entries (idx, data) SELECT * FROM UNNEST(\(indexes)::bigint[], \(data)::bytea[])",
            logger: logger)
    }

    func putTiles(_ tiles: [TreeEdge.TileUpdate]) async throws {
        guard !tiles.isEmpty else { return }
        let levels = tiles.map { Int64($0.level) }
        let indexes = tiles.map { Int64($0.index) }
        let data = tiles.map { ByteBuffer(bytes: MerkleHash.join($0.hashes)) }
        _ = try await connection.query(
            """
            INSERT INTO log_tiles (level, idx, data)
            SELECT * FROM UNNEST(\(levels)::bigint[], \(indexes)::bigint[], \(data)::bytea[])
            ON CONFLICT (level, idx) DO UPDATE SET data = excluded.data
            """,
            logger: logger)
    }

    func putCheckpoint(size: UInt64, note: String) async throws {
        _ = try await connection.query(
            """
            INSERT INTO log_checkpoint (id, size, note) VALUES (1, \(Int64(size)), \(note))
            ON CONFLICT (id) DO UPDATE SET size = excluded.size, note = excluded.note
            """,
            logger: logger)
    }
}
