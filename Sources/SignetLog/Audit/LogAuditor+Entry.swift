import SignetCore

extension LogAuditor {
    /// Proves one entry without trusting the server that serves it: what a relying party runs
    /// to check that a signed answer's ledger event is really in the public log.
    ///
    /// It verifies the checkpoint's signature, reads the entry from its entry bundle, builds the
    /// inclusion proof from fetched tiles and checks it against the signed root. A server that
    /// serves a tampered entry, bundle or tile fails the proof; it cannot make up a checkpoint
    /// without the log's key.
    ///
    /// - Returns: the entry at `index` and the latest signed checkpoint, which includes it.
    /// - Throws: ``LogError`` `.notFound` when the checkpoint does not reach `index`, or
    ///   `.verificationFailed` / `.invalidCheckpoint` when anything does not verify.
    public func entry(at index: UInt64) async throws -> (entry: [UInt8], checkpoint: Checkpoint) {
        let note = String(decoding: try await fetcher.fetch("checkpoint"), as: UTF8.self)
        let checkpoint = try VerifiedCheckpoint(note: note, verifier: verifier).checkpoint
        guard index < checkpoint.size else {
            throw LogError(.notFound, "the log's checkpoint (size \(checkpoint.size)) does not include entry \(index)")
        }
        let tile = index / UInt64(LogLimits.tileWidth)
        let width = Int(min(UInt64(LogLimits.tileWidth), checkpoint.size - tile * UInt64(LogLimits.tileWidth)))
        let bundle = try TilePath(kind: .entries, index: tile, width: width)
        let entries = try EntryBundle.decode(try await fetcher.fetch("tile/" + bundle.description), count: width)
        let entry = entries[Int(index % UInt64(LogLimits.tileWidth))]
        let builder = ProofBuilder(reader: TiledSubtreeReader(treeSize: checkpoint.size, source: FetchedTiles(fetcher: fetcher)))
        let proof = try await builder.inclusionProof(index: index, size: checkpoint.size)
        try MerkleProof.verifyInclusion(leafIndex: index, treeSize: checkpoint.size, leafHash: RFC6962.leafHash(entry), proof: proof,
                                        root: checkpoint.root)
        return (entry, checkpoint)
    }
}

/// Hash tiles read through a ``LogFetcher`` as they are asked for (untrusted: the proof they
/// give is checked against the signed root).
struct FetchedTiles: TileSource {
    let fetcher: any LogFetcher

    func tileHashes(_ path: TilePath) async throws -> [MerkleHash] {
        let hashes = try MerkleHash.split(tile: try await fetcher.fetch("tile/" + path.description))
        guard hashes.count == path.width else {
            throw LogError(.verificationFailed, "tile \(path) has \(hashes.count) hashes, expected \(path.width)")
        }
        return hashes
    }
}
