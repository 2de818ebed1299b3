import SignetCore

/// Reads a stored log for serving and for proofs: tiles, entry bundles, checkpoint.
public struct StoredTiles: TileSource {
    /// The storage read from.
    public let storage: any LogStorage
    private let cache: ImmutableResourceCache?

    /// Creates a reader over `storage`.
    /// - Parameter cacheBytes: memory for caching full tiles and bundles (0 disables the cache).
    public init(storage: any LogStorage, cacheBytes: Int = 0) {
        self.storage = storage
        self.cache = cacheBytes > 0 ? ImmutableResourceCache(capacityBytes: cacheBytes) : nil
    }

    public func tileHashes(_ path: TilePath) async throws -> [MerkleHash] {
        try MerkleHash.split(tile: try await tileBytes(path))
    }

    /// The bytes of a hash tile or entry bundle, or `.notFound` when it is not (yet) in the log.
    ///
    /// A partial tile of width W is the first W hashes of the stored tile, which never change once
    /// written, so any width up to what is stored is served (every checkpointed size included).
    public func tileBytes(_ path: TilePath) async throws -> [UInt8] {
        if let cached = cache?.get(path) { return cached }
        let bytes = try await readTileBytes(path)
        cache?.put(path, bytes)
        return bytes
    }

    private func readTileBytes(_ path: TilePath) async throws -> [UInt8] {
        switch path.kind {
        case .hashes(let level):
            guard let stored = try await storage.tile(level: level, index: path.index),
                  stored.count >= path.width * 32
            else { throw LogError(.notFound, "tile \(path) is not in the log") }
            return Array(stored.prefix(path.width * 32))
        case .entries:
            let (start, overflow) = path.index.multipliedReportingOverflow(by: UInt64(LogLimits.tileWidth))
            guard !overflow else { throw LogError(.notFound, "entry bundle \(path) is not in the log") }
            let entries = try await storage.entries(from: start, count: path.width)
            guard entries.count == path.width else { throw LogError(.notFound, "entry bundle \(path) is not in the log") }
            return EntryBundle.encode(entries)
        }
    }
}
