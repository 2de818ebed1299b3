import SignetCore

/// Start-up check that stored data is exactly what the signed checkpoint commits to.
public enum LogIntegrity {
    /// What a successful check found.
    public struct Report: Sendable {
        /// The verified latest checkpoint, or `nil` for a log that was never started.
        public let checkpoint: VerifiedCheckpoint?
        /// The tree edge rebuilt from the stored entries; seeds the ``Sequencer``.
        public let edge: TreeEdge
    }

    /// Re-hashes every stored entry, rebuilds every tile, and compares them with the stored tiles
    /// and the signed checkpoint.
    ///
    /// Deliberate: a server MUST NOT serve a log it cannot vouch for, so any difference (an
    /// edited entry, a missing or extra tile hash, a checkpoint not signed by `verifier`, or a
    /// root mismatch) is fatal. The cost is one SHA-256 per entry at start.
    /// - Parameters:
    ///   - progress: called with the number of entries checked so far, every 65,536 entries.
    /// - Throws: ``LogError`` `.corrupted` describing the first difference.
    public static func check(
        storage: any LogStorage, verifier: NoteVerifier, progress: (UInt64, UInt64) -> Void = { _, _ in }
    ) async throws -> Report {
        try await check(storage: storage, verifier: verifier, from: nil, progress: progress)
    }

    /// What an earlier check vouched for: a tree size and its root. Saved by the server after
    /// each successful start, so the next start re-hashes only what was added since.
    public struct VerifiedState: Sendable, Equatable {
        /// The verified tree size.
        public var size: UInt64
        /// Its root hash.
        public var root: MerkleHash

        /// Creates a state.
        public init(size: UInt64, root: MerkleHash) {
            self.size = size
            self.root = root
        }
    }

    /// The incremental start-up check: the stored right edge of the tree at `verified.size`
    /// must still hash to `verified.root`, and only the entries added since are re-hashed,
    /// their tiles compared and the new root checked against the signed checkpoint. A stored
    /// log shorter than what was verified is a rollback and fatal.
    ///
    /// What it cannot see: an entry or an inner tile edited inside the already verified prefix
    /// (the edge's subtree roots do not change when a leaf below a stored tile is edited
    /// without its tile). ``check(storage:verifier:progress:)`` (`signet log check`) re-hashes
    /// everything; auditors' inclusion proofs catch such an edit too.
    /// - Parameter verified: `nil` checks everything, as the full check does.
    /// - Throws: ``LogError`` `.corrupted` describing the first difference.
    public static func check(
        storage: any LogStorage, verifier: NoteVerifier, from verified: VerifiedState?,
        progress: (UInt64, UInt64) -> Void = { _, _ in }
    ) async throws -> Report {
        guard let note = try await storage.latestCheckpoint() else {
            // An emptied database under a log that was verified before is the ultimate rollback:
            // signing a fresh size-0 checkpoint would fork the log under the same key.
            if let verified, verified.size > 0 {
                throw LogError(.corrupted, "the stored log is empty but \(verified.size) entries were verified before: it was rolled back or replaced")
            }
            guard try await storage.entries(from: 0, count: 1).isEmpty else {
                throw LogError(.corrupted, "entries are stored but no checkpoint was ever signed")
            }
            return Report(checkpoint: nil, edge: TreeEdge())
        }
        let checkpoint: VerifiedCheckpoint
        do {
            checkpoint = try VerifiedCheckpoint(note: note, verifier: verifier)
        } catch {
            throw LogError(.corrupted, "the stored checkpoint is not validly signed by this log's key: \(error)")
        }
        let size = checkpoint.checkpoint.size
        var edge = TreeEdge()
        if let verified {
            guard verified.size <= size else {
                throw LogError(.corrupted, "the stored log has \(size) entries but \(verified.size) were verified before: it was rolled back")
            }
            edge = try await Sequencer.loadEdge(size: verified.size) { try await storage.tile(level: $0, index: $1) }
            guard edge.rootHash() == verified.root else {
                throw LogError(.corrupted, "the stored tiles of the first \(verified.size) entries no longer hash to the root verified before")
            }
        }
        let chunk = LogLimits.tileWidth
        while edge.size < size {
            let want = Int(min(UInt64(chunk), size - edge.size))
            let entries = try await storage.entries(from: edge.size, count: want)
            guard entries.count == want else {
                throw LogError(.corrupted, "entries from \(edge.size) are missing (found \(entries.count) of \(want))")
            }
            for update in edge.append(entries.map { RFC6962.leafHash($0) }) {
                let stored = try await storage.tile(level: update.level, index: update.index)
                guard let stored, stored.count >= update.hashes.count * 32,
                      Array(stored.prefix(update.hashes.count * 32)) == MerkleHash.join(update.hashes)
                else {
                    throw LogError(.corrupted, "tile \(update.level)/\(update.index) does not match the stored entries")
                }
            }
            if edge.size % 65_536 == 0 { progress(edge.size, size) }
        }
        guard try await storage.entries(from: size, count: 1).isEmpty else {
            throw LogError(.corrupted, "entries are stored beyond the checkpointed size \(size)")
        }
        guard edge.rootHash() == checkpoint.checkpoint.root else {
            throw LogError(.corrupted, "the root recomputed from stored entries differs from the signed checkpoint")
        }
        progress(size, size)
        return Report(checkpoint: checkpoint, edge: edge)
    }
}
