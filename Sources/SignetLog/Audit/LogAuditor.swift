import SignetCore

/// Fetches resources of a C2SP tiled log by path relative to its prefix (`checkpoint`,
/// `tile/0/000`, ...). The HTTP client of `signet log verify` implements it.
public protocol LogFetcher: Sendable {
    /// The bytes at `path`.
    /// - Throws: when the resource cannot be fetched (any non-200 answer).
    func fetch(_ path: String) async throws -> [UInt8]
}

/// What an auditor remembers between runs: the last checkpoint it verified.
public struct AuditState: Codable, Sendable, Equatable {
    /// The log origin.
    public var origin: String
    /// Verified tree size.
    public var size: UInt64
    /// Verified root hash, base64.
    public var root: String
    /// The signed checkpoint note, kept as evidence.
    public var checkpoint: String

    /// Creates a state record.
    public init(origin: String, size: UInt64, root: String, checkpoint: String) {
        self.origin = origin
        self.size = size
        self.root = root
        self.checkpoint = checkpoint
    }
}

/// Verifies a whole tiled log without trusting the server: signature, every entry, every tile,
/// the root, and consistency with the last verified state.
public struct LogAuditor: Sendable {
    let fetcher: any LogFetcher
    let verifier: NoteVerifier

    /// Creates an auditor for the log whose key is `verifier`, reading through `fetcher`.
    public init(fetcher: any LogFetcher, verifier: NoteVerifier) {
        self.fetcher = fetcher
        self.verifier = verifier
    }

    /// Audits the log.
    ///
    /// Deliberate: no tile is trusted because it was served. Entries are hashed and compared
    /// with level-0 tiles; every full tile is hashed and compared with its entry in the tile
    /// above; the rightmost tiles are bound to the signed root by recomputing it.
    /// - Parameters:
    ///   - previous: the state of an earlier run; the new checkpoint must extend it.
    ///   - progress: called with (tiles verified, tiles total).
    /// - Returns: the new state to remember.
    /// - Throws: ``LogError`` describing the first failure (bad signature, tampered tile or entry,
    ///   rollback, fork).
    public func audit(previous: AuditState?, progress: @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> AuditState {
        let note = String(decoding: try await fetcher.fetch("checkpoint"), as: UTF8.self)
        let checkpoint = try VerifiedCheckpoint(note: note, verifier: verifier).checkpoint
        let size = checkpoint.size
        if let previous, previous.size > size {
            throw LogError(.verificationFailed, "rollback: the log shrank from \(previous.size) to \(size) entries")
        }
        let table = VerifiedTileTable()
        let paths = TileMath.tiles(treeSize: size)
        var done = 0
        for path in paths {
            let hashes = try MerkleHash.split(tile: try await fetcher.fetch("tile/" + path.description))
            guard hashes.count == path.width else {
                throw LogError(.verificationFailed, "tile \(path) has \(hashes.count) hashes, expected \(path.width)")
            }
            await table.put(path, hashes)
            if case .hashes(level: 0) = path.kind {
                let bundlePath = try TilePath(kind: .entries, index: path.index, width: path.width)
                let entries = try EntryBundle.decode(try await fetcher.fetch("tile/" + bundlePath.description), count: path.width)
                for (offset, entry) in entries.enumerated() where RFC6962.leafHash(entry) != hashes[offset] {
                    throw LogError(.verificationFailed, "entry \(path.index * 256 + UInt64(offset)) does not match tile \(path)")
                }
            }
            done += 1
            progress(done, paths.count)
        }
        // Every full tile must be the hash recorded for it one level up.
        for path in paths where path.isFull {
            guard case .hashes(let level) = path.kind else { continue }
            let parent = try await table.hashes(level: level + 1, index: path.index >> 8)
            let root = RFC6962.rootHash(of: try await table.hashes(level: level, index: path.index))
            guard parent.count > Int(path.index & 0xff), parent[Int(path.index & 0xff)] == root else {
                throw LogError(.verificationFailed, "tile \(path) does not match its parent tile")
            }
        }
        let builder = ProofBuilder(reader: TiledSubtreeReader(treeSize: size, source: table))
        guard try await builder.treeHash(size: size) == checkpoint.root else {
            throw LogError(.verificationFailed, "the root recomputed from the tiles differs from the signed checkpoint")
        }
        if let previous {
            try await Self.requireExtension(of: previous, by: checkpoint, builder: builder)
        }
        return AuditState(origin: checkpoint.origin, size: size, root: checkpoint.root.base64, checkpoint: note)
    }
}

extension LogAuditor {
    /// Checks that `checkpoint` extends the tree `previous` verified: same log, and a
    /// consistency proof (built by `builder` from the new tree's tiles) from its root.
    /// - Throws: ``LogError`` `.verificationFailed` for another log or a fork.
    static func requireExtension<Reader>(of previous: AuditState, by checkpoint: Checkpoint, builder: ProofBuilder<Reader>) async throws {
        guard previous.origin == checkpoint.origin, let oldRoot = MerkleHash(base64: previous.root) else {
            throw LogError(.verificationFailed, "the state file is for another log")
        }
        let proof = try await builder.consistencyProof(size1: previous.size, size2: checkpoint.size)
        do {
            try MerkleProof.verifyConsistency(size1: previous.size, size2: checkpoint.size, root1: oldRoot, root2: checkpoint.root, proof: proof)
        } catch {
            throw LogError(.verificationFailed, "fork: the log at \(checkpoint.size) does not extend the verified tree of \(previous.size) entries")
        }
    }
}

/// Tiles fetched during one audit, keyed by level and index.
actor VerifiedTileTable: TileSource {
    private var tiles: [Int: [UInt64: [MerkleHash]]] = [:]

    func put(_ path: TilePath, _ hashes: [MerkleHash]) {
        guard case .hashes(let level) = path.kind else { return }
        tiles[level, default: [:]][path.index] = hashes
    }

    func hashes(level: Int, index: UInt64) throws -> [MerkleHash] {
        guard let hashes = tiles[level]?[index] else { throw LogError(.notFound, "tile \(level)/\(index) was not fetched") }
        return hashes
    }

    func tileHashes(_ path: TilePath) async throws -> [MerkleHash] {
        guard case .hashes(let level) = path.kind else { throw LogError(.notFound, "not a hash tile") }
        let hashes = try hashes(level: level, index: path.index)
        guard hashes.count >= path.width else { throw LogError(.notFound, "tile \(path) is narrower than requested") }
        return Array(hashes.prefix(path.width))
    }
}
