import Foundation
public import Logging
public import ServiceLifecycle
public import SignetLog
import SignetCore
import Synchronization

/// Signet's transparency log as a running component: key, storage, verified state, sequencer.
///
/// Everything in Signet that writes an event goes through ``append(_:)`` (workflows through
/// ``EventRecorder``); tile serving and proofs read through ``tiles``. As a ``Service`` it runs
/// until graceful shutdown, then waits for pending appends; it does not close its storage,
/// which belongs to ``Stores``.
public final class Ledger: EventLog, Service {
    /// The log key's verifier (origin + key), as auditors configure it.
    public let verifier: NoteVerifier
    /// Batching sequencer; the single writer of this process.
    public let sequencer: Sequencer
    /// Read access for tiles and proofs (full tiles and bundles cached, 64 MiB).
    public let tiles: StoredTiles
    let storage: any LogStorage
    /// The largest tree size this process has seen in storage, and when it last looked.
    private let storedSize = Mutex<(size: UInt64, checked: ContinuousClock.Instant?)>((0, nil))

    private let stateFile: VerifiedStateFile?
    private let logger: Logger

    private init(verifier: NoteVerifier, sequencer: Sequencer, storage: any LogStorage, stateFile: VerifiedStateFile?, logger: Logger) {
        self.verifier = verifier
        self.sequencer = sequencer
        self.storage = storage
        self.stateFile = stateFile
        self.logger = logger
        self.tiles = StoredTiles(storage: storage, cacheBytes: 64 << 20)
    }

    /// Opens the ledger on `storage`: creates the data directory and key on first start,
    /// verifies the stored log against its signed checkpoint, and publishes a checkpoint if the
    /// log has none yet.
    /// - Throws: ``ServiceError`` `.untrustedLog` when stored data and checkpoint disagree, or
    ///   `.configuration` when the data directory or key is unusable; storage errors as thrown.
    public static func open(_ configuration: LedgerConfiguration, storage: any LogStorage, logger: Logger) async throws -> Ledger {
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServiceError(.configuration, "cannot create data directory \(configuration.dataDirectory)")
        }
        guard configuration.createsKey || FileManager.default.fileExists(atPath: configuration.keyPath) else {
            throw ServiceError(.configuration, "no log key at \(configuration.keyPath): this command acts on an existing log; run it with the deployment's data directory (its log.key)")
        }
        let (signer, created) = try LogKeyFile.loadOrCreate(
            path: configuration.keyPath, origin: configuration.origin, defaultOrigin: LogKeyFile.defaultOrigin())
        if created {
            logger.notice("created log key", metadata: ["signet.log.key_file": "\(configuration.keyPath)"])
        }
        return try await open(signer: signer, storage: storage, sequencer: configuration.sequencer, logger: logger,
                              verifiedStatePath: configuration.dataDirectory + "/log.verified")
    }

    /// Opens the ledger on `storage` with a key the caller holds (a test's fixed key): verifies
    /// the stored log against its signed checkpoint and publishes one if the log has none yet.
    /// - Throws: ``ServiceError`` `.untrustedLog` when stored data and checkpoint disagree;
    ///   storage errors as thrown.
    ///
    /// With `verifiedStatePath`, the check is incremental: it starts from what the last start
    /// vouched for, and re-hashes only the entries added since
    /// (``LogIntegrity/check(storage:verifier:from:progress:)``); `signet log check` re-hashes
    /// everything on demand.
    public static func open(signer: NoteSigner, storage: any LogStorage, sequencer configuration: SequencerConfiguration = .init(),
                            logger: Logger, verifiedStatePath: String? = nil) async throws -> Ledger {
        let stateFile = verifiedStatePath.map { VerifiedStateFile(path: $0, origin: signer.name) }
        let report: LogIntegrity.Report
        do {
            report = try await LogIntegrity.check(storage: storage, verifier: signer.verifier, from: stateFile?.load()) { done, total in
                if total > 65_536 {
                    logger.info("verifying stored log", metadata: ["signet.log.checked": "\(done)", "signet.log.size": "\(total)"])
                }
            }
        } catch let error as LogError {
            throw ServiceError(.untrustedLog, "refusing to serve the log: \(error.reason)")
        }
        let sequencer = Sequencer(
            storage: storage, signer: signer, edge: report.edge, checkpoint: report.checkpoint,
            configuration: configuration)
        if report.checkpoint == nil {
            _ = try await sequencer.publishInitialCheckpoint()
        }
        let ledger = Ledger(verifier: signer.verifier, sequencer: sequencer, storage: storage, stateFile: stateFile, logger: logger)
        await ledger.saveVerifiedState()
        return ledger
    }

    /// Records the checkpoint the start-up check just vouched for, so the next start re-hashes
    /// only what comes after it. Deliberate: only at start. At shutdown this process's checkpoint
    /// may cover entries another instance on a shared database appended, which it never hashed.
    func saveVerifiedState() async {
        guard let stateFile, let checkpoint = await sequencer.checkpoint?.checkpoint else { return }
        if !stateFile.save(LogIntegrity.VerifiedState(size: checkpoint.size, root: checkpoint.root)) {
            logger.warning("cannot save the verified log state; the next start checks the whole log", metadata: ["signet.log.state_file": "\(stateFile.path)"])
        }
    }

    /// Appends an entry and returns its index once durable.
    public func append(_ entry: [UInt8]) async throws -> UInt64 {
        try await sequencer.append(entry)
    }

    /// The latest checkpoint note as stored (it may be newer than this process's own, when
    /// another instance shares the database).
    public func checkpointNote() async throws -> String {
        guard let note = try await storage.latestCheckpoint() else {
            throw LogError(.notFound, "the log has no checkpoint yet")
        }
        return note
    }

    /// A tile or entry bundle for serving, or `.notFound`. A path beyond the tree is refused by
    /// arithmetic, before storage is touched.
    ///
    /// "The tree" is the larger of this process's own checkpoint and the latest stored one it
    /// has seen. Another instance on a shared database may have grown the log since, so a path
    /// beyond that bound triggers one re-read of the stored checkpoint, at most once a second:
    /// a flood of out-of-range requests costs one small read per second, not one per request.
    public func tileBytes(_ path: TilePath) async throws -> [UInt8] {
        guard await contains(path) else { throw LogError(.notFound, "tile \(path) is not in the log") }
        return try await tiles.tileBytes(path)
    }

    private func contains(_ path: TilePath) async -> Bool {
        let own = await sequencer.checkpoint?.checkpoint.size ?? 0
        let now = ContinuousClock.now
        // One lock section decides, so concurrent misses cannot all pass the once-a-second limit.
        let decision: Bool? = storedSize.withLock { state in
            if path.isWithin(treeSize: max(own, state.size)) { return true }
            if let checked = state.checked, now - checked < .seconds(1) { return false }
            state.checked = now
            return nil
        }
        if let decision { return decision }
        guard let note = try? await storage.latestCheckpoint(),
              let stored = try? VerifiedCheckpoint(note: note, verifier: verifier).checkpoint.size else { return false }
        storedSize.withLock { $0.size = max($0.size, stored) }
        return path.isWithin(treeSize: stored)
    }

    /// A C2SP tlog-proof for the entry at `index` in the latest checkpoint.
    /// - Throws: ``LogError`` `.invalidArgument` when `index` is beyond the checkpoint.
    public func proof(index: UInt64) async throws -> TlogProof {
        let note = try await checkpointNote()
        let checkpoint = try VerifiedCheckpoint(note: note, verifier: verifier)
        let builder = ProofBuilder(reader: TiledSubtreeReader(treeSize: checkpoint.checkpoint.size, source: tiles))
        let path = try await builder.inclusionProof(index: index, size: checkpoint.checkpoint.size)
        return TlogProof(index: index, path: path, checkpointNote: note)
    }

    /// Waits for pending appends and stops the sequencer (storage stays open).
    public func close() async {
        await sequencer.close()
    }

    /// Waits for graceful shutdown, then for pending appends.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}

extension Ledger {
    /// This process's checkpoint size: another instance on a shared database may have appended more.
    public func sizeLowerBound() async -> UInt64 {
        await sequencer.checkpoint?.checkpoint.size ?? 0
    }

    /// The stored entries from `start`, at most `count` (fewer at the end of the log).
    public func entries(from start: UInt64, count: Int) async throws -> [[UInt8]] {
        try await storage.entries(from: start, count: count)
    }

    /// The entry at `index` as stored.
    /// - Throws: ``LogError`` when the entry is not in the log.
    public func entry(at index: UInt64) async throws -> [UInt8] {
        guard let entry = try await storage.entries(from: index, count: 1).first else {
            throw LogError(.notFound, "no entry at index \(index)")
        }
        return entry
    }
}
