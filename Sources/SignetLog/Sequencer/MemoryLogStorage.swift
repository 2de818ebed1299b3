import SignetCore

/// An in-memory ``LogStorage`` for tests and throw-away demos. Not durable.
public actor MemoryLogStorage: LogStorage {
    private var entries: [[UInt8]] = []
    private var tiles: [TileKey: [UInt8]] = [:]
    private var checkpoint: (size: UInt64, note: String)?
    private var writerBusy = false
    private var waitingWriters: [CheckedContinuation<Void, Never>] = []

    struct TileKey: Hashable {
        let level: Int
        let index: UInt64
    }

    /// An empty log.
    public init() {}

    public func withWriter<T: Sendable>(_ body: @Sendable (any LogWriteTransaction) async throws -> T) async throws -> T {
        // Writes are staged and applied only when the body returns, so a throwing body leaves
        // nothing behind. Writers queue so that only one runs at a time, as with a database lock.
        while writerBusy { await withCheckedContinuation { waitingWriters.append($0) } }
        writerBusy = true
        defer {
            writerBusy = false
            if !waitingWriters.isEmpty { waitingWriters.removeFirst().resume() }
        }
        let transaction = Transaction(base: self, size: checkpoint?.size ?? 0, entryCount: entries.count)
        let result = try await body(transaction)
        let staged = await transaction.staged()
        entries.append(contentsOf: staged.entries)
        tiles.merge(staged.tiles) { $1 }
        if let newCheckpoint = staged.checkpoint { checkpoint = newCheckpoint }
        return result
    }

    public func close() {}

    public func latestCheckpoint() -> String? { checkpoint?.note }

    public func tile(level: Int, index: UInt64) -> [UInt8]? { tiles[TileKey(level: level, index: index)] }

    public func entries(from start: UInt64, count: Int) -> [[UInt8]] {
        guard start < UInt64(entries.count), count > 0 else { return [] }
        let first = Int(start)
        return Array(entries[first..<(first + min(count, entries.count - first))])
    }

    /// Test hook: overwrites one stored entry to simulate corruption.
    public func testingOnlyCorruptEntry(at index: Int, with bytes: [UInt8]) { entries[index] = bytes }

    private actor Transaction: LogWriteTransaction {
        let base: MemoryLogStorage
        let size: UInt64
        let entryCount: Int
        var newEntries: [[UInt8]] = []
        var newTiles: [TileKey: [UInt8]] = [:]
        var newCheckpoint: (size: UInt64, note: String)?

        init(base: MemoryLogStorage, size: UInt64, entryCount: Int) {
            self.base = base
            self.size = size
            self.entryCount = entryCount
        }

        func staged() -> (entries: [[UInt8]], tiles: [TileKey: [UInt8]], checkpoint: (size: UInt64, note: String)?) {
            (newEntries, newTiles, newCheckpoint)
        }

        func treeSize() -> UInt64 { newCheckpoint?.size ?? size }

        func tile(level: Int, index: UInt64) async -> [UInt8]? {
            if let staged = newTiles[TileKey(level: level, index: index)] { return staged }
            return await base.tile(level: level, index: index)
        }

        func appendEntries(startingAt start: UInt64, _ entries: [[UInt8]]) throws {
            guard start == UInt64(entryCount + newEntries.count) else {
                throw LogError(.corrupted, "entries must be appended at \(entryCount + newEntries.count), not \(start)")
            }
            newEntries.append(contentsOf: entries)
        }

        func putTiles(_ updates: [TreeEdge.TileUpdate]) {
            for update in updates {
                newTiles[TileKey(level: update.level, index: update.index)] = MerkleHash.join(update.hashes)
            }
        }

        func putCheckpoint(size: UInt64, note: String) { newCheckpoint = (size, note) }
    }
}
