import Testing
@testable import SignetLog
import SignetCore

struct SequencerTests {
    let signer = try! NoteSigner(generatingFor: "test.example/log")

    @Test func concurrentAppendsGetDistinctDurableIndexes() async throws {
        let storage = MemoryLogStorage()
        let sequencer = Sequencer(storage: storage, signer: signer, configuration: .init(maxBatchSize: 64, maxDelay: .milliseconds(1)))
        let indexes = try await withThrowingTaskGroup(of: (Int, UInt64).self) { group in
            for i in 0..<500 {
                group.addTask { (i, try await sequencer.append(syntheticEntry(i))) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        #expect(Set(indexes.values) == Set(0..<500))
        // Every acknowledged index holds exactly the bytes that were appended.
        for (i, index) in indexes {
            #expect(await storage.entries(from: index, count: 1) == [syntheticEntry(i)])
        }
        let report = try await LogIntegrity.check(storage: storage, verifier: signer.verifier)
        #expect(report.checkpoint?.checkpoint.size == 500)
        #expect(try report.edge == TreeEdge(size: 500, partialTiles: report.edge.partialTiles))
    }

    @Test func batchesProduceOneCheckpointEach() async throws {
        let storage = MemoryLogStorage()
        let sequencer = Sequencer(storage: storage, signer: signer, configuration: .init(maxBatchSize: 10, maxDelay: .seconds(5)))
        // Ten appends fill one batch, so they commit without waiting for the long delay.
        try await withThrowingTaskGroup(of: UInt64.self) { group in
            for i in 0..<10 { group.addTask { try await sequencer.append(syntheticEntry(i)) } }
            try await group.waitForAll()
        }
        let note = try #require(await storage.latestCheckpoint())
        #expect(try VerifiedCheckpoint(note: note, verifier: signer.verifier).checkpoint.size == 10)
    }

    @Test(arguments: [0, LogLimits.maxEntrySize + 1])
    func refusesEmptyAndOversizedEntries(size: Int) async throws {
        let storage = MemoryLogStorage()
        let sequencer = Sequencer(storage: storage, signer: signer)
        await #expect(throws: LogError(.invalidEntry, "")) { try await sequencer.append([UInt8](repeating: 1, count: size)) }
        #expect(await storage.entries(from: 0, count: 1).isEmpty)
    }

    @Test func acceptsMaximumEntry() async throws {
        let sequencer = Sequencer(storage: MemoryLogStorage(), signer: signer)
        #expect(try await sequencer.append([UInt8](repeating: 1, count: LogLimits.maxEntrySize)) == 0)
    }

    @Test func twoSequencersOnOneStorageNeverFork() async throws {
        // Two writers with stale caches take turns; each must reload instead of overwriting.
        let storage = MemoryLogStorage()
        let a = Sequencer(storage: storage, signer: signer, configuration: .init(maxBatchSize: 1, maxDelay: .zero))
        let b = Sequencer(storage: storage, signer: signer, configuration: .init(maxBatchSize: 1, maxDelay: .zero))
        var seen: [UInt64] = []
        for i in 0..<300 {
            seen.append(try await (i.isMultiple(of: 3) ? a : b).append(syntheticEntry(i)))
        }
        #expect(seen == Array(0..<300))
        let report = try await LogIntegrity.check(storage: storage, verifier: signer.verifier)
        #expect(report.checkpoint?.checkpoint.size == 300)
    }

    @Test func integrityCheckDetectsEditedEntry() async throws {
        let storage = MemoryLogStorage()
        let sequencer = Sequencer(storage: storage, signer: signer)
        for i in 0..<20 { _ = try await sequencer.append(syntheticEntry(i)) }
        await storage.testingOnlyCorruptEntry(at: 7, with: Array("forged".utf8))
        await #expect(throws: LogError(.corrupted, "")) { try await LogIntegrity.check(storage: storage, verifier: signer.verifier) }
    }

    @Test func integrityCheckRefusesForeignKey() async throws {
        let storage = MemoryLogStorage()
        _ = try await Sequencer(storage: storage, signer: signer).append([1])
        let other = try NoteSigner(generatingFor: "test.example/log")
        await #expect(throws: LogError(.corrupted, "")) { try await LogIntegrity.check(storage: storage, verifier: other.verifier) }
    }

    @Test func proofsFromStoredTilesVerifyAgainstCheckpoint() async throws {
        let storage = MemoryLogStorage()
        let sequencer = Sequencer(storage: storage, signer: signer, configuration: .init(maxBatchSize: 100, maxDelay: .zero))
        for i in 0..<700 { _ = try await sequencer.append(syntheticEntry(i)) }
        let checkpoint = try #require(await sequencer.checkpoint)
        let builder = ProofBuilder(reader: TiledSubtreeReader(treeSize: 700, source: StoredTiles(storage: storage)))
        for index in [0, 255, 256, 699] as [UInt64] {
            let proof = TlogProof(index: index, path: try await builder.inclusionProof(index: index, size: 700), checkpointNote: checkpoint.note)
            let parsed = try TlogProof(parsing: proof.text)
            #expect(parsed == proof)
            _ = try parsed.verify(entry: syntheticEntry(Int(index)), verifier: signer.verifier)
            #expect(throws: LogError.self) { try parsed.verify(entry: Array("other".utf8), verifier: signer.verifier) }
        }
    }
}

struct StoredTilesCacheTests {
    @Test func cachedReadsMatchStorageAndPartialTilesStayFresh() async throws {
        let signer = try NoteSigner(generatingFor: "cache.test/log")
        let storage = MemoryLogStorage()
        let sequencer = Sequencer(storage: storage, signer: signer, configuration: .init(maxBatchSize: 50, maxDelay: .zero))
        for i in 0..<300 { _ = try await sequencer.append(syntheticEntry(i)) }
        let cached = StoredTiles(storage: storage, cacheBytes: 1 << 20)
        let plain = StoredTiles(storage: storage)
        let full = try TilePath(parsing: "0/000")
        let bundle = try TilePath(parsing: "entries/000")
        for path in [full, full, bundle, bundle] {
            #expect(try await cached.tileBytes(path) == plain.tileBytes(path))
        }
        // The level-1 partial tile grows as the log grows; a cache must never pin an old width.
        let before = try await cached.tileBytes(TilePath(parsing: "1/000.p/1"))
        for i in 300..<600 { _ = try await sequencer.append(syntheticEntry(i)) }
        let after = try await cached.tileBytes(TilePath(parsing: "1/000.p/2"))
        #expect(Array(after.prefix(32)) == before)
        #expect(after.count == 64)
    }
}
