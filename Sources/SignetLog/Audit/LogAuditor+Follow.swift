import SignetCore

/// What one incremental step of following a log read.
public struct FollowedEntries: Sendable {
    /// The state to remember: the new checkpoint, verified and consistent with the previous one.
    public let state: AuditState
    /// The index of the first entry in ``entries``.
    public let start: UInt64
    /// Every entry added since the previous state, each proved included in the new checkpoint.
    public let entries: [[UInt8]]
    /// Whether this step reached the checkpoint's size (`false` when `limit` cut it short).
    public var complete: Bool { state.size == start + UInt64(entries.count) && state.root == signedRoot }
    /// The root the checkpoint signed.
    let signedRoot: String
}

extension LogAuditor {
    /// Reads what the log added since `previous`, trusting nothing the server says.
    ///
    /// The new checkpoint's signature is checked; then a consistency proof from the previous
    /// checkpoint (so the log neither forked nor rolled back); then each new entry, read from
    /// its entry bundle, is proved included in the new root. Only the tiles those proofs need
    /// and the new entries' bundles are fetched (each once), so following a log of millions of
    /// entries costs what was added, not what is there.
    ///
    /// - Parameters:
    ///   - previous: the state of the last step; `nil` reads the log from its first entry.
    ///   - limit: the most entries to read in this step (the state then stops there, at a size
    ///     the new checkpoint proves, and the next step goes on).
    /// - Throws: ``LogError`` `.verificationFailed` for a bad signature, a rollback, a fork, or
    ///   an entry that is not in the tree.
    public func follow(previous: AuditState?, limit: UInt64 = 1 << 20) async throws -> FollowedEntries {
        let note = String(decoding: try await fetcher.fetch("checkpoint"), as: UTF8.self)
        let checkpoint = try VerifiedCheckpoint(note: note, verifier: verifier).checkpoint
        let size = checkpoint.size
        let start = previous?.size ?? 0
        guard start <= size else {
            throw LogError(.verificationFailed, "rollback: the log shrank from \(start) to \(size) entries")
        }
        let tiles = TileCache(fetcher: fetcher)
        let builder = ProofBuilder(reader: TiledSubtreeReader(treeSize: size, source: tiles))
        if let previous, previous.size > 0 {
            try await Self.requireExtension(of: previous, by: checkpoint, builder: builder)
        }
        let end = min(size, start + limit)
        var entries: [[UInt8]] = []
        var index = start
        let width = UInt64(LogLimits.tileWidth)
        while index < end {
            let tile = index / width
            let tileWidth = Int(min(width, size - tile * width))
            let bundle = try EntryBundle.decode(
                try await fetcher.fetch("tile/" + TilePath(kind: .entries, index: tile, width: tileWidth).description), count: tileWidth)
            while index < end, index / width == tile {
                let entry = bundle[Int(index % width)]
                let proof = try await builder.inclusionProof(index: index, size: size)
                do {
                    try MerkleProof.verifyInclusion(leafIndex: index, treeSize: size, leafHash: RFC6962.leafHash(entry), proof: proof,
                                                    root: checkpoint.root)
                } catch {
                    throw LogError(.verificationFailed, "entry \(index) is not in the signed tree")
                }
                entries.append(entry)
                index += 1
            }
        }
        guard end < size else {
            return FollowedEntries(state: AuditState(origin: checkpoint.origin, size: size, root: checkpoint.root.base64, checkpoint: note),
                                   start: start, entries: entries, signedRoot: checkpoint.root.base64)
        }
        // Cut short by `limit`: the next step starts at `end`, from a root proved consistent with
        // the signed one (so no unverified tile can slip into the state).
        let partialRoot = try await builder.treeHash(size: end)
        do {
            try MerkleProof.verifyConsistency(size1: end, size2: size, root1: partialRoot, root2: checkpoint.root,
                                              proof: try await builder.consistencyProof(size1: end, size2: size))
        } catch {
            throw LogError(.verificationFailed, "the tree of \(end) entries is not a prefix of the signed tree")
        }
        return FollowedEntries(state: AuditState(origin: checkpoint.origin, size: end, root: partialRoot.base64, checkpoint: note),
                               start: start, entries: entries, signedRoot: checkpoint.root.base64)
    }
}

/// Hash tiles read through a ``LogFetcher``, each fetched once per step (untrusted: every
/// proof built from them is checked against the signed root).
actor TileCache: TileSource {
    let fetcher: any LogFetcher
    private var tiles: [String: [MerkleHash]] = [:]

    init(fetcher: any LogFetcher) { self.fetcher = fetcher }

    func tileHashes(_ path: TilePath) async throws -> [MerkleHash] {
        let key = path.description
        if let cached = tiles[key] { return cached }
        let hashes = try MerkleHash.split(tile: try await fetcher.fetch("tile/" + key))
        guard hashes.count == path.width else {
            throw LogError(.verificationFailed, "tile \(path) has \(hashes.count) hashes, expected \(path.width)")
        }
        tiles[key] = hashes
        return hashes
    }
}
