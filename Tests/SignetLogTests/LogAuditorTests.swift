import Testing
@testable import SignetLog
import SignetCore

/// Serves a stored log to the auditor, optionally altering one resource.
struct StoredFetcher: LogFetcher {
    let storage: any LogStorage
    var alter: @Sendable (String, [UInt8]) -> [UInt8] = { $1 }

    func fetch(_ path: String) async throws -> [UInt8] {
        if path == "checkpoint" {
            return alter(path, Array(try #require(await storage.latestCheckpoint()).utf8))
        }
        let tilePath = try TilePath(parsing: path.dropFirst("tile/".count))
        return alter(path, try await StoredTiles(storage: storage).tileBytes(tilePath))
    }
}

extension StoredFetcher {
    /// Serves `storage`, with one bit of the resource at `target` flipped.
    static func tampering(_ target: String, storage: any LogStorage) -> StoredFetcher {
        StoredFetcher(storage: storage) { path, bytes in
            guard path == target else { return bytes }
            var altered = bytes
            altered[altered.count / 2] ^= 0x01
            return altered
        }
    }
}

struct LogAuditorTests {
    let signer = try! NoteSigner(generatingFor: "audit.test/log")

    func log(_ entries: Range<Int>, prefix: String = "entry", storage: MemoryLogStorage = MemoryLogStorage()) async throws -> MemoryLogStorage {
        let sequencer = Sequencer(storage: storage, signer: signer, configuration: .init(maxBatchSize: 97, maxDelay: .zero))
        // Appends in concurrent waves so batches fill, keeping order within each wave irrelevant
        // to the test (only sizes and histories are compared).
        var next = entries.lowerBound
        while next < entries.upperBound {
            let wave = next..<min(entries.upperBound, next + 1000)
            try await withThrowingTaskGroup(of: UInt64.self) { group in
                for i in wave { group.addTask { try await sequencer.append(Array("\(prefix) \(i)".utf8)) } }
                try await group.waitForAll()
            }
            next = wave.upperBound
        }
        return storage
    }

    @Test func acceptsGrowingLogAndRemembersState() async throws {
        let storage = try await log(0..<300)
        let auditor = LogAuditor(fetcher: StoredFetcher(storage: storage), verifier: signer.verifier)
        let first = try await auditor.audit(previous: nil)
        #expect(first.size == 300)
        _ = try await log(300..<70_000, storage: storage)
        let second = try await auditor.audit(previous: first)
        #expect(second.size == 70_000)
    }

    @Test func refusesRollback() async throws {
        let big = try await log(0..<500)
        let state = try await LogAuditor(fetcher: StoredFetcher(storage: big), verifier: signer.verifier).audit(previous: nil)
        let small = try await log(0..<400)
        await #expect(throws: LogError(.verificationFailed, "")) {
            try await LogAuditor(fetcher: StoredFetcher(storage: small), verifier: signer.verifier).audit(previous: state)
        }
    }

    @Test func refusesFork() async throws {
        // Same key, same first 200 entries, then a different history: a split view.
        let honest = try await log(0..<200)
        let state = try await LogAuditor(fetcher: StoredFetcher(storage: honest), verifier: signer.verifier).audit(previous: nil)
        let forked = try await log(0..<150)
        _ = try await log(150..<260, prefix: "other", storage: forked)
        let error = await #expect(throws: LogError.self) {
            try await LogAuditor(fetcher: StoredFetcher(storage: forked), verifier: signer.verifier).audit(previous: state)
        }
        #expect(error?.reason.contains("fork") == true)
    }

    @Test(arguments: ["tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1", "tile/entries/000", "tile/entries/001.p/44", "checkpoint"])
    func refusesAnyTamperedResource(_ target: String) async throws {
        let fetcher = StoredFetcher.tampering(target, storage: try await log(0..<300))
        await #expect(throws: LogError.self) {
            try await LogAuditor(fetcher: fetcher, verifier: signer.verifier).audit(previous: nil)
        }
    }

    @Test func refusesForeignKey() async throws {
        let storage = try await log(0..<10)
        let other = try NoteSigner(generatingFor: "audit.test/log")
        await #expect(throws: LogError.self) {
            try await LogAuditor(fetcher: StoredFetcher(storage: storage), verifier: other.verifier).audit(previous: nil)
        }
    }
}
