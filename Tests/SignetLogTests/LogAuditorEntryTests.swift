import SignetCore
import Testing
@testable import SignetLog

/// A relying party's proof of one entry: right entry, right checkpoint, and nothing a server
/// tampers with gets through.
struct LogAuditorEntryTests {
    let logs = LogAuditorTests()

    @Test(arguments: [(1, 0), (300, 0), (300, 255), (300, 256), (300, 299), (70_000, 65_791), (70_000, 69_999)] as [(Int, UInt64)])
    func provesTheStoredEntry(size: Int, index: UInt64) async throws {
        let storage = try await logs.log(0..<size)
        let (entry, checkpoint) = try await LogAuditor(fetcher: StoredFetcher(storage: storage), verifier: logs.signer.verifier).entry(at: index)
        #expect(entry == (try await storage.entries(from: index, count: 1)).first)
        #expect(checkpoint.size == UInt64(size))
    }

    @Test func anIndexBeyondTheCheckpointIsNotFound() async throws {
        let storage = try await logs.log(0..<300)
        await #expect(throws: LogError(.notFound, "")) {
            try await LogAuditor(fetcher: StoredFetcher(storage: storage), verifier: logs.signer.verifier).entry(at: 300)
        }
    }

    @Test(arguments: ["tile/0/001.p/44", "tile/1/000.p/1", "tile/entries/001.p/44", "checkpoint"])
    func refusesATamperedResource(_ target: String) async throws {
        let fetcher = StoredFetcher.tampering(target, storage: try await logs.log(0..<300))
        await #expect(throws: LogError.self) {
            try await LogAuditor(fetcher: fetcher, verifier: logs.signer.verifier).entry(at: 290)
        }
    }

    @Test func refusesACheckpointSignedByAnotherKey() async throws {
        let storage = try await logs.log(0..<10)
        let stranger = try NoteSigner(generatingFor: "audit.test/log")
        await #expect(throws: LogError.self) {
            try await LogAuditor(fetcher: StoredFetcher(storage: storage), verifier: stranger.verifier).entry(at: 3)
        }
    }
}
