import SignetCore

/// The growing right edge of a tiled tree: the partial tile at each level plus the compact range.
///
/// The sequencer appends leaf hashes to it and gets back exactly the tiles that changed, so a
/// batch writes each touched tile once. Full tiles never change again.
public struct TreeEdge: Sendable, Equatable {
    /// Number of leaves.
    public private(set) var size: UInt64 = 0
    /// The rightmost (partial) tile's hashes at each level; empty when that level has no partial tile.
    public private(set) var partialTiles: [[MerkleHash]] = []
    /// Right edge used to compute the root after each batch.
    public private(set) var compact = CompactRange()

    /// An empty tree.
    public init() {}

    /// Restores the edge of a tree of `size` leaves from its rightmost tiles.
    /// - Parameter partialTiles: for each level, the hashes of the partial tile of a tree of
    ///   `size` (width `(size >> 8L) % 256`), in level order.
    /// - Throws: ``LogError`` `.corrupted` when a tile has the wrong width.
    public init(size: UInt64, partialTiles: [[MerkleHash]]) throws {
        let levels = TileMath.levels(treeSize: size)
        guard partialTiles.count <= levels + 1 else { throw LogError(.corrupted, "too many tile levels for size \(size)") }
        var tiles = partialTiles
        while tiles.count < levels { tiles.append([]) }
        for (level, tile) in tiles.enumerated() {
            let expected = Int((size >> UInt64(8 * level)) & 0xff)
            guard tile.count == expected else {
                throw LogError(.corrupted, "partial tile at level \(level) has \(tile.count) hashes, expected \(expected)")
            }
        }
        self.size = size
        self.partialTiles = tiles
        self.compact = Self.compactRange(size: size, partialTiles: tiles)
    }

    /// The current root hash.
    public func rootHash() -> MerkleHash { compact.rootHash() }

    /// A tile whose content changed in an append.
    public struct TileUpdate: Sendable, Equatable {
        /// Tile level.
        public let level: Int
        /// Tile index within the level.
        public let index: UInt64
        /// All of the tile's hashes so far (1...256).
        public let hashes: [MerkleHash]
    }

    /// Appends leaf hashes and returns every tile that changed, each once, with its final content.
    public mutating func append(_ leafHashes: [MerkleHash]) -> [TileUpdate] {
        var updates: [TileUpdate] = []
        var touched = Set<Int>()
        for leaf in leafHashes {
            compact.append(leaf)
            var hash = leaf
            var level = 0
            var position = size
            while true {
                if partialTiles.count == level { partialTiles.append([]) }
                partialTiles[level].append(hash)
                touched.insert(level)
                guard partialTiles[level].count == LogLimits.tileWidth else { break }
                // A tile filled up: publish it and carry its root one level up.
                let full = partialTiles[level]
                updates.append(TileUpdate(level: level, index: position >> 8, hashes: full))
                partialTiles[level] = []
                hash = RFC6962.rootHash(of: full)
                position >>= 8
                level += 1
            }
            size += 1
        }
        for level in touched.sorted() where !partialTiles[level].isEmpty {
            let index = size >> UInt64(8 * (level + 1))
            updates.append(TileUpdate(level: level, index: index, hashes: partialTiles[level]))
        }
        return updates
    }

    /// Rebuilds the compact range from partial tiles: each set bit of a tile's width is one
    /// perfect subtree, taken from the highest level down.
    private static func compactRange(size: UInt64, partialTiles: [[MerkleHash]]) -> CompactRange {
        var subtrees: [MerkleHash] = []
        for level in partialTiles.indices.reversed() {
            let tile = partialTiles[level]
            var offset = 0
            for bit in (0..<8).reversed() where tile.count & (1 << bit) != 0 {
                subtrees.append(RFC6962.rootHash(of: tile[offset..<offset + (1 << bit)]))
                offset += 1 << bit
            }
        }
        return CompactRange(size: size, hashes: subtrees)
    }
}
