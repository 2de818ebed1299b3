/// An in-memory ``LogStorage`` for tests and throw-away demos. Not durable.
public actor MemoryLogStorage: LogStorage {
    private var entries: [[UInt8]] = []
    private var tiles: [TileKey: [UInt8]] = [:]
    private var checkpoint: (size: UInt64, note: String)?

    private struct TileKey: Hashable {
        let level: Int
        let index: UInt64
    }

    /// An empty log.
    public init() {}

    public func withWriter<T: Sendable>(_ body: @Sendable (any LogWriteTransaction) async throws -> T) async throws -> T {
        // Transactions are staged in a copy and applied on success, so a throwing body leaves nothing behind.
        let transaction = Transaction(entries: entries, tiles: tiles, checkpoint: checkpoint)
        let result = try await body(transaction)
        let staged = await transaction.snapshot()
        entries = staged.entries
        tiles = staged.tiles
        checkpoint = staged.checkpoint
        return result
    }

    public func close() {}

    public func latestCheckpoint() -> String? { checkpoint?.note }

    public func tile(level: Int, index: UInt64) -> [UInt8]? { tiles[TileKey(level: level, index: index)] }

    public func entries(from start: UInt64, count: Int) -> [[UInt8]] {
        guard start < UInt64(entries.count) else { return [] }
        let end = min(entries.count, Int(start) + count)
        return Array(entries[Int(start)..<end])
    }

    /// Test hook: overwrites one stored entry to simulate corruption.
    public func testingOnlyCorruptEntry(at index: Int, with bytes: [UInt8]) { entries[index] = bytes }

    private actor Transaction: LogWriteTransaction {
        var entries: [[UInt8]]
        var tiles: [TileKey: [UInt8]]
        var checkpoint: (size: UInt64, note: String)?

        init(entries: [[UInt8]], tiles: [TileKey: [UInt8]], checkpoint: (size: UInt64, note: String)?) {
            self.entries = entries
            self.tiles = tiles
            self.checkpoint = checkpoint
        }

        func snapshot() -> (entries: [[UInt8]], tiles: [TileKey: [UInt8]], checkpoint: (size: UInt64, note: String)?) {
            (entries, tiles, checkpoint)
        }

        func treeSize() -> UInt64 { checkpoint?.size ?? 0 }

        func tile(level: Int, index: UInt64) -> [UInt8]? { tiles[TileKey(level: level, index: index)] }

        func appendEntries(startingAt start: UInt64, _ new: [[UInt8]]) throws {
            guard start == UInt64(entries.count) else {
                throw LogError.corrupted("entries must be appended at \(entries.count), not \(start)")
            }
            entries.append(contentsOf: new)
        }

        func putTiles(_ updates: [TreeEdge.TileUpdate]) {
            for update in updates {
                tiles[TileKey(level: update.level, index: update.index)] = MerkleHash.join(update.hashes)
            }
        }

        func putCheckpoint(size: UInt64, note: String) { checkpoint = (size, note) }
    }
}
