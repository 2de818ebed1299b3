/// What the log needs from a database. SignetStore implements it for SQLite and PostgreSQL;
/// ``MemoryLogStorage`` is the reference implementation for tests.
///
/// Implementations MUST make everything written inside one ``withWriter(_:)`` call durable
/// atomically when it returns, and MUST let only one writer (across processes and hosts)
/// run at a time, so the log has one logical sequencer and never forks.
public protocol LogStorage: Sendable {
    /// Runs `body` as the only writer of the log, inside one transaction that commits durably
    /// when `body` returns and rolls back when it throws.
    func withWriter<T: Sendable>(_ body: @Sendable (any LogWriteTransaction) async throws -> T) async throws -> T

    /// The latest signed checkpoint note, or `nil` for a log that was never started.
    func latestCheckpoint() async throws -> String?
    /// The stored hashes of a tile (all of them, up to 256 × 32 bytes), or `nil`.
    func tile(level: Int, index: UInt64) async throws -> [UInt8]?
    /// Entries `[start, start + count)`; fewer when the log is shorter.
    func entries(from start: UInt64, count: Int) async throws -> [[UInt8]]
    /// Releases connections; the storage must not be used afterwards.
    func close() async
}

/// The writer's view of storage inside one transaction.
public protocol LogWriteTransaction: Sendable {
    /// The size of the latest committed checkpoint (0 for an empty log).
    func treeSize() async throws -> UInt64
    /// The stored hashes of a tile, as committed so far.
    func tile(level: Int, index: UInt64) async throws -> [UInt8]?
    /// Stores entries at consecutive indexes from `start`.
    func appendEntries(startingAt start: UInt64, _ entries: [[UInt8]]) async throws
    /// Creates or replaces tiles.
    func putTiles(_ tiles: [TreeEdge.TileUpdate]) async throws
    /// Records the new checkpoint; its size becomes ``treeSize()``.
    func putCheckpoint(size: UInt64, note: String) async throws
}

/// Log indexes as the databases store them (signed 64-bit integers).
///
/// Deliberate: indexes arrive from requests (tile and bundle paths) and may be anything up to
/// 2^64 − 1. An index past `Int64.max` cannot name a stored row, so it converts to `nil`, an
/// empty answer, never a trap.
public enum StoredIndex {
    /// `index` as a database integer, or `nil` when no row can have it.
    public static func row(_ index: UInt64) -> Int64? {
        Int64(exactly: index)
    }

    /// The rows `[start, start + count)` as database integers, cut at `Int64.max`; `nil` when
    /// none can exist.
    public static func rows(from start: UInt64, count: Int) -> Range<Int64>? {
        guard let first = Int64(exactly: start), count > 0 else { return nil }
        let (end, overflow) = first.addingReportingOverflow(Int64(count))
        return first..<(overflow ? Int64.max : end)
    }

    /// The database integer rows must exceed to come after `index` (−1 for "from the start"),
    /// or `nil` when no row can: `index` is `Int64.max` or beyond.
    public static func after(_ index: UInt64?) -> Int64? {
        guard let index else { return -1 }
        guard let row = Int64(exactly: index), row < Int64.max else { return nil }
        return row
    }
}
