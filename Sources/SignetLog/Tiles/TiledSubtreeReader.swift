import SignetCore

/// Something that returns the hashes of a tile, such as a database or a log's HTTP endpoint.
public protocol TileSource: Sendable {
    /// The hashes of the tile at `path`, exactly `path.width` of them.
    /// - Throws: ``LogError`` `.notFound` when the tile does not exist, or the source's error.
    func tileHashes(_ path: TilePath) async throws -> [MerkleHash]
}

/// Answers subtree-hash queries for a tree of a fixed size from its tiles.
///
/// A subtree at tree level `8 * T + r` is the Merkle root of `2^r` consecutive hashes of one tile
/// at tile level `T`, so any proof can be computed from at most one tile per 8 levels.
public struct TiledSubtreeReader<Source: TileSource>: SubtreeHashReader {
    /// The tree size whose tiles are read (it decides the width of the rightmost tiles).
    public let treeSize: UInt64
    /// Where tiles come from.
    public let source: Source

    /// Creates a reader of the tree of `treeSize` leaves served by `source`.
    public init(treeSize: UInt64, source: Source) {
        self.treeSize = treeSize
        self.source = source
    }

    public func subtreeHash(level: Int, index: UInt64) async throws -> MerkleHash {
        let tileLevel = level / 8
        let span = 1 << (level % 8)
        let (first, overflow) = index.multipliedReportingOverflow(by: UInt64(span))
        guard !overflow,
              let width = TileMath.width(level: tileLevel, index: first >> 8, treeSize: treeSize),
              Int(first & 0xff) + span <= width
        else {
            throw LogError(.notFound, "subtree \(level)/\(index) is outside the tree of size \(treeSize)")
        }
        let path = TilePath(unchecked: .hashes(level: tileLevel), index: first >> 8, width: width)
        let hashes = try await source.tileHashes(path)
        guard hashes.count == width else {
            throw LogError(.verificationFailed, "tile \(path) has \(hashes.count) hashes, expected \(width)")
        }
        let offset = Int(first & 0xff)
        return RFC6962.rootHash(of: hashes[offset..<offset + span])
    }
}

extension MerkleHash {
    /// Splits tile bytes into hashes.
    /// - Throws: ``LogError`` `.verificationFailed` when the length is not a multiple of 32.
    public static func split(tile bytes: [UInt8]) throws -> [MerkleHash] {
        guard bytes.count.isMultiple(of: 32) else {
            throw LogError(.verificationFailed, "tile length \(bytes.count) is not a multiple of 32")
        }
        return stride(from: 0, to: bytes.count, by: 32).map { MerkleHash(unchecked: Array(bytes[$0..<$0 + 32])) }
    }

    /// Concatenates hashes into tile bytes.
    public static func join(_ hashes: some Sequence<MerkleHash>) -> [UInt8] {
        var out: [UInt8] = []
        for hash in hashes { out.append(contentsOf: hash.bytes) }
        return out
    }
}
