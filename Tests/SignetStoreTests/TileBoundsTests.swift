import Foundation
import Logging
import SignetCore
import SignetLog
import SignetService
import SignetTesting
import Synchronization
import Testing

/// A log storage that counts tile and bundle reads, to show which requests never reach it.
final class ReadCountingLogStorage: LogStorage {
    let base: any LogStorage
    let reads = Atomic<Int>(0)

    init(_ base: any LogStorage) { self.base = base }

    func withWriter<T: Sendable>(_ body: @Sendable (any LogWriteTransaction) async throws -> T) async throws -> T {
        try await base.withWriter(body)
    }
    func latestCheckpoint() async throws -> String? { try await base.latestCheckpoint() }
    func tile(level: Int, index: UInt64) async throws -> [UInt8]? {
        reads.add(1, ordering: .relaxed)
        return try await base.tile(level: level, index: index)
    }
    func entries(from start: UInt64, count: Int) async throws -> [[UInt8]] {
        reads.add(1, ordering: .relaxed)
        return try await base.entries(from: start, count: count)
    }
    func close() async { await base.close() }
}

struct TileBoundsTests {
    /// Paths far past the tree, including indexes at 2^63 and 2^64 − 1 and the deepest x-groups
    /// the tile path syntax allows. Each is not found, by arithmetic, without a storage read.
    static let hostile = [
        "0/x009/x223/x372/x036/x854/x775/808", "0/x009/x223/x372/x036/x854/x775/807", "0/x018/x446/x744/x073/x709/x551/615",
        "63/x018/x446/x744/x073/x709/x551/615", "1/x036/x028/x797/x018/x964/968", "entries/x072/x057/x594/x037/x927/935.p/3",
        "entries/x018/x446/x744/x073/x709/x551/615", "0/001", "entries/001.p/1", "0/000.p/4", "1/000.p/1",
    ]

    @Test(arguments: Backend.available)
    func pathsBeyondTheTreeAreNotFoundWithoutAStorageRead(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let counting = ReadCountingLogStorage(store)
            let ledger = try await Ledger.open(signer: LogStorageConformanceTests.signer, storage: counting, logger: Logger(label: "test"))
            for i in 0..<3 { _ = try await ledger.append(Array("e\(i)".utf8)) }
            let before = counting.reads.load(ordering: .relaxed)
            for text in Self.hostile {
                let path = try TilePath(parsing: text)
                await #expect(throws: LogError(.notFound, "")) { try await ledger.tileBytes(path) }
            }
            #expect(counting.reads.load(ordering: .relaxed) == before)
            // What is in the tree is still served, from storage.
            #expect(try await ledger.tileBytes(try TilePath(parsing: "0/000.p/3")).count == 96)
            #expect(try await ledger.tileBytes(try TilePath(parsing: "entries/000.p/3")).count > 0)
            #expect(counting.reads.load(ordering: .relaxed) > before)
            await ledger.close()
        }
    }

    @Test func tileArithmeticIsExactAtTheEdges() throws {
        #expect(try TilePath(parsing: "0/000.p/3").isWithin(treeSize: 3))
        #expect(!(try TilePath(parsing: "0/000.p/4").isWithin(treeSize: 3)))
        #expect(try TilePath(parsing: "1/000.p/1").isWithin(treeSize: 256))
        #expect(!(try TilePath(parsing: "1/000.p/1").isWithin(treeSize: 255)))
        #expect(try TilePath(parsing: "0/x018/x446/x744/x073/x709/x551/614.p/255").isWithin(treeSize: .max) == false)
        #expect(!(try TilePath(parsing: "63/000.p/1").isWithin(treeSize: .max)))
        #expect(try TilePath(parsing: "7/000.p/1").isWithin(treeSize: .max))
    }
}
