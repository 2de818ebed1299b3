import SignetCore

/// The single logical writer of the log: it batches concurrent appends into one tree update,
/// one durable transaction and one signed checkpoint per batch.
///
/// An append returns its index only after the transaction holding it has committed, so every
/// acknowledged entry survives a crash. Before each batch the sequencer re-reads the committed
/// tree size under the storage's writer lock; when another process appended in the meantime it
/// reloads the tree edge from storage instead of trusting its cache, so several instances on
/// one database extend one tree and never fork it.
public actor Sequencer {
    private let storage: any LogStorage
    private let signer: NoteSigner
    private let configuration: SequencerConfiguration
    private var edge: TreeEdge
    private var latest: VerifiedCheckpoint?

    private var pending: [Pending] = []
    private var flushing = false
    private var collecting = false
    private var closed = false

    private struct Pending {
        let entry: [UInt8]
        let continuation: CheckedContinuation<UInt64, any Error>
    }

    /// Creates a sequencer over storage whose content was checked by ``LogIntegrity/check(storage:verifier:)``.
    /// - Parameters:
    ///   - storage: where entries, tiles and checkpoints live.
    ///   - signer: the log key; its name is the checkpoint origin.
    ///   - edge: the verified tree edge of the stored log (empty for a new log).
    ///   - checkpoint: the latest verified checkpoint, if any.
    ///   - configuration: batching limits.
    public init(
        storage: any LogStorage, signer: NoteSigner, edge: TreeEdge = TreeEdge(),
        checkpoint: VerifiedCheckpoint? = nil, configuration: SequencerConfiguration = .init()
    ) {
        self.storage = storage
        self.signer = signer
        self.edge = edge
        self.latest = checkpoint
        self.configuration = configuration
    }

    /// The most recent checkpoint this sequencer published or loaded.
    public var checkpoint: VerifiedCheckpoint? { latest }

    /// Publishes a checkpoint for the current tree if none exists yet, so that an empty log
    /// also serves a signed checkpoint (size 0).
    public func publishInitialCheckpoint() async throws -> VerifiedCheckpoint {
        try await integrate([]).checkpoint
    }

    /// Appends one entry and returns its index once it is durable.
    /// - Throws: ``LogError`` `.invalidEntry` for an empty entry or one larger than
    ///   ``LogLimits/maxEntrySize``; `.unavailable` after ``close()``; storage errors.
    public func append(_ entry: [UInt8]) async throws -> UInt64 {
        guard !entry.isEmpty else { throw LogError(.invalidEntry, "log entries must not be empty") }
        guard entry.count <= LogLimits.maxEntrySize else {
            throw LogError(.invalidEntry, "log entries are limited to \(LogLimits.maxEntrySize) bytes, got \(entry.count)")
        }
        guard !closed else { throw LogError(.unavailable, "the log is shutting down") }
        return try await withCheckedThrowingContinuation { continuation in
            pending.append(Pending(entry: entry, continuation: continuation))
            scheduleFlush()
        }
    }

    /// Stops accepting entries and waits until every accepted entry is committed or failed.
    public func close() async {
        closed = true
        while flushing || !pending.isEmpty {
            if !flushing { startFlush() }
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    private func scheduleFlush() {
        guard !flushing else { return }  // the running flush loop picks new entries up
        if pending.count >= configuration.maxBatchSize || configuration.maxDelay == .zero {
            startFlush()
        } else if !collecting {
            collecting = true
            // Default priority, like the flush: see startFlush().
            Task { await self.collect() }
        }
    }

    /// Waits for more entries to join the batch, but only while they keep coming: the batch
    /// is committed as soon as it is full, as soon as no appender enqueued anything in two
    /// scheduler turns, or when ``SequencerConfiguration/maxDelay`` has passed.
    ///
    /// Deliberate: a fixed timer would add its whole delay to every batch even when every
    /// appender is already waiting; watching for quiet lets 256 waiting appenders form one
    /// batch in microseconds while a lone appender still commits at once.
    private func collect() async {
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.maxDelay
        var quietTurns = 0
        while !flushing, pending.count < configuration.maxBatchSize, quietTurns < 2, clock.now < deadline {
            let before = pending.count
            await Task.yield()
            quietTurns = pending.count == before ? quietTurns + 1 : 0
        }
        collecting = false
        if !flushing && !pending.isEmpty { startFlush() }
    }

    private func startFlush() {
        flushing = true
        // Deliberate: default priority. On Linux each task priority has its own thread pool, so
        // a high-priority flush ran on other threads than the request handlers and every batch
        // paid thread wake-ups both ways (12,000 context switches/s in `signet-bench api`).
        // Once SQLite writes ran in place, dropping the priority gave +26 % device-mode
        // verifications/s on tmpfs and no loss on disk.
        Task { await self.flushLoop() }
    }

    private func flushLoop() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(configuration.maxBatchSize))
            pending.removeFirst(batch.count)
            do {
                let first = try await integrate(batch.map(\.entry)).first
                for (offset, item) in batch.enumerated() { item.continuation.resume(returning: first + UInt64(offset)) }
            } catch {
                for item in batch { item.continuation.resume(throwing: error) }
            }
        }
        flushing = false
    }

    /// Writes one batch and its checkpoint in one transaction; returns the first new index.
    private func integrate(_ entries: [[UInt8]]) async throws -> (first: UInt64, checkpoint: VerifiedCheckpoint) {
        let cached = edge
        let signer = self.signer
        let leafHashes = entries.map { RFC6962.leafHash($0) }
        let (newEdge, checkpoint) = try await storage.withWriter { tx in
            let committedSize = try await tx.treeSize()
            var working = committedSize == cached.size ? cached : try await Self.loadEdge(size: committedSize, from: tx)
            let first = working.size
            let updates = working.append(leafHashes)
            if !entries.isEmpty {
                try await tx.appendEntries(startingAt: first, entries)
                try await tx.putTiles(updates)
            }
            let checkpoint = try signer.sign(Checkpoint(origin: signer.name, size: working.size, root: working.rootHash()))
            try await tx.putCheckpoint(size: working.size, note: checkpoint.note)
            return (working, checkpoint)
        }
        // Only a committed transaction moves the cache forward; after a failure the next batch
        // re-reads the committed size and reloads if needed.
        edge = newEdge
        latest = checkpoint
        return (newEdge.size - UInt64(entries.count), checkpoint)
    }

    /// Reads the right-edge tiles of the committed tree of `size` leaves.
    static func loadEdge(size: UInt64, from tx: any LogWriteTransaction) async throws -> TreeEdge {
        try await loadEdge(size: size) { try await tx.tile(level: $0, index: $1) }
    }

    /// Reads the right-edge tiles of a tree of `size` leaves through `tile` (hashes that grew
    /// past `size` since are ignored: tiles only ever grow at their end).
    static func loadEdge(size: UInt64, tile: (Int, UInt64) async throws -> [UInt8]?) async throws -> TreeEdge {
        var partials: [[MerkleHash]] = []
        for level in 0..<TileMath.levels(treeSize: size) {
            let width = Int((size >> UInt64(8 * level)) & 0xff)
            guard width > 0 else {
                partials.append([])
                continue
            }
            let index = size >> UInt64(8 * (level + 1))
            guard let bytes = try await tile(level, index) else {
                throw LogError(.corrupted, "tile \(level)/\(index) is missing for tree size \(size)")
            }
            let hashes = try MerkleHash.split(tile: bytes)
            guard hashes.count >= width else { throw LogError(.corrupted, "tile \(level)/\(index) is too short") }
            partials.append(Array(hashes.prefix(width)))
        }
        return try TreeEdge(size: size, partialTiles: partials)
    }
}
