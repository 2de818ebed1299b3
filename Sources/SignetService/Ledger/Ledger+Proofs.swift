import Synchronization
public import SignetLog

extension Ledger {
    /// C2SP tlog-proofs for several entries in the latest checkpoint, read together: the
    /// checkpoint is read and verified once, and each tile once, however many proofs need it.
    ///
    /// A page of a holder's activity asks for dozens of proofs whose audit paths share most of
    /// their tiles; built one by one (``proof(index:)``), each re-read the checkpoint and every
    /// tile on its path (about 2 ms a proof on SQLite at a thousand entries).
    /// - Returns: one proof per index, in the order given, each equal to what ``proof(index:)``
    ///   returns for the same checkpoint.
    /// - Throws: ``LogError`` `.invalidArgument` when an index is beyond the checkpoint.
    public func proofs(indices: [UInt64]) async throws -> [TlogProof] {
        guard !indices.isEmpty else { return [] }
        let note = try await checkpointNote()
        let checkpoint = try VerifiedCheckpoint(note: note, verifier: verifier)
        let size = checkpoint.checkpoint.size
        let builder = ProofBuilder(reader: MemoizedSubtrees(reader: TiledSubtreeReader(treeSize: size, source: MemoizedTiles(source: tiles))))
        var proofs: [TlogProof] = []
        proofs.reserveCapacity(indices.count)
        for index in indices {
            proofs.append(TlogProof(index: index, path: try await builder.inclusionProof(index: index, size: size), checkpointNote: note))
        }
        return proofs
    }
}

/// A tile source that reads each tile of its source once: for the proofs of one request, whose
/// tree size is fixed, so a tile read once never changes.
private final class MemoizedTiles<Source: TileSource>: TileSource {
    private let source: Source
    private let read = Mutex<[TilePath: [MerkleHash]]>([:])

    init(source: Source) { self.source = source }

    func tileHashes(_ path: TilePath) async throws -> [MerkleHash] {
        if let known = read.withLock({ $0[path] }) { return known }
        let hashes = try await source.tileHashes(path)
        read.withLock { $0[path] = hashes }
        return hashes
    }
}

/// A subtree-hash reader that computes each subtree once: neighbouring entries' audit paths
/// share most of their subtrees.
private final class MemoizedSubtrees<Reader: SubtreeHashReader>: SubtreeHashReader {
    private struct Key: Hashable {
        let level: Int
        let index: UInt64
    }

    private let reader: Reader
    private let known = Mutex<[Key: MerkleHash]>([:])

    init(reader: Reader) { self.reader = reader }

    func subtreeHash(level: Int, index: UInt64) async throws -> MerkleHash {
        let key = Key(level: level, index: index)
        if let hash = known.withLock({ $0[key] }) { return hash }
        let hash = try await reader.subtreeHash(level: level, index: index)
        known.withLock { $0[key] = hash }
        return hash
    }
}
