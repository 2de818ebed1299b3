import Testing
@testable import SignetLog
import SignetCore

/// Subtree hashes computed directly from leaves: the oracle the tiled code is checked against.
struct LeafOracle: SubtreeHashReader {
    let leaves: [MerkleHash]
    func subtreeHash(level: Int, index: UInt64) async throws -> MerkleHash {
        let start = Int(index) << level
        let end = start + (1 << level)
        guard end <= leaves.count else { throw LogError(.notFound, "beyond oracle") }
        return RFC6962.rootHash(of: leaves[start..<end])
    }
}

/// A tile source over a ``TreeEdge``'s output, as a storage backend would keep it.
actor TileTable: TileSource {
    var tiles: [String: [MerkleHash]] = [:]
    func put(_ updates: [TreeEdge.TileUpdate]) {
        for u in updates { tiles["\(u.level)/\(u.index)"] = u.hashes }
    }
    func tileHashes(_ path: TilePath) async throws -> [MerkleHash] {
        guard case .hashes(let level) = path.kind, let stored = tiles["\(level)/\(path.index)"], stored.count >= path.width else {
            throw LogError(.notFound, "no tile \(path)")
        }
        return Array(stored.prefix(path.width))
    }
}

struct TreeTests {
    static let leaves = (0..<600).map { RFC6962.leafHash(syntheticEntry($0)) }

    @Test func proofsRoundTripForAllSmallTrees() async throws {
        let builder = ProofBuilder(reader: LeafOracle(leaves: Array(Self.leaves.prefix(40))))
        for size in UInt64(1)...40 {
            let root = try await builder.treeHash(size: size)
            #expect(root == RFC6962.rootHash(of: Self.leaves.prefix(Int(size))))
            for index in 0..<size {
                let proof = try await builder.inclusionProof(index: index, size: size)
                try MerkleProof.verifyInclusion(leafIndex: index, treeSize: size, leafHash: Self.leaves[Int(index)], proof: proof, root: root)
                if index > 0 {
                    // The same proof must not verify for a neighbouring leaf.
                    #expect(throws: LogError.self) {
                        try MerkleProof.verifyInclusion(leafIndex: index - 1, treeSize: size, leafHash: Self.leaves[Int(index)], proof: proof, root: root)
                    }
                }
            }
            for old in 1...size {
                let oldRoot = try await builder.treeHash(size: old)
                let proof = try await builder.consistencyProof(size1: old, size2: size)
                try MerkleProof.verifyConsistency(size1: old, size2: size, root1: oldRoot, root2: root, proof: proof)
            }
        }
    }

    @Test(arguments: [1, 2, 255, 256, 257, 511, 512, 513, 600])
    func tiledTreeMatchesOracle(size: Int) async throws {
        var edge = TreeEdge()
        let table = TileTable()
        // Append in uneven batches, as the sequencer does.
        var next = 0
        var batch = 1
        while next < size {
            let end = min(size, next + batch)
            await table.put(edge.append(Array(Self.leaves[next..<end])))
            next = end
            batch = batch * 3 % 97 + 1
        }
        #expect(edge.size == UInt64(size))
        #expect(edge.rootHash() == RFC6962.rootHash(of: Self.leaves.prefix(size)))
        let tiled = ProofBuilder(reader: TiledSubtreeReader(treeSize: UInt64(size), source: table))
        let oracle = ProofBuilder(reader: LeafOracle(leaves: Array(Self.leaves.prefix(size))))
        #expect(try await tiled.treeHash(size: UInt64(size)) == edge.rootHash())
        for index in Set([0, size / 2, size - 1]) {
            let a = try await tiled.inclusionProof(index: UInt64(index), size: UInt64(size))
            let b = try await oracle.inclusionProof(index: UInt64(index), size: UInt64(size))
            #expect(a == b)
        }
        for old in Set([1, size / 3 + 1, size]) {
            #expect(try await tiled.consistencyProof(size1: UInt64(old), size2: UInt64(size))
                    == oracle.consistencyProof(size1: UInt64(old), size2: UInt64(size)))
        }
        // The edge can be rebuilt from the stored partial tiles alone.
        var partials: [[MerkleHash]] = []
        for level in 0..<TileMath.levels(treeSize: UInt64(size)) {
            let width = TileMath.width(level: level, index: UInt64(size) >> UInt64(8 * (level + 1)), treeSize: UInt64(size))
            if let width, width < 256 {
                partials.append(try await table.tileHashes(TilePath(kind: .hashes(level: level), index: UInt64(size) >> UInt64(8 * (level + 1)), width: width)))
            } else {
                partials.append([])
            }
        }
        let restored = try TreeEdge(size: UInt64(size), partialTiles: partials)
        #expect(restored == edge)
    }

    @Test func restoringEdgeRefusesWrongWidths() {
        #expect(throws: LogError.self) { try TreeEdge(size: 3, partialTiles: [[RFC6962.emptyRoot]]) }
    }
}
