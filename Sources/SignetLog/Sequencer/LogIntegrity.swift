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
        guard let note = try await storage.latestCheckpoint() else {
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
