import SignetTesting
import Foundation
import SignetLog
import SignetStore
import Testing

/// The same log behaviour, checked on every storage backend.
struct LogStorageConformanceTests {
    static let signer = try! NoteSigner(generatingFor: "store.test/log")

    @Test(arguments: Backend.available)
    func concurrentAppendsAreDurableAndVerifiable(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, reopen in
            let sequencer = Sequencer(storage: store, signer: Self.signer, configuration: .init(maxBatchSize: 128, maxDelay: .milliseconds(1)))
            let indexes = try await withThrowingTaskGroup(of: (Int, UInt64).self) { group in
                for i in 0..<1000 { group.addTask { (i, try await sequencer.append(Array("e\(i)".utf8))) } }
                return try await group.reduce(into: [Int: UInt64]()) { $0[$1.0] = $1.1 }
            }
            #expect(Set(indexes.values) == Set(0..<1000))
            // A second handle (as after a restart) sees every acknowledged entry and a valid tree.
            let reopened = try await reopen()
            let report = try await LogIntegrity.check(storage: reopened, verifier: Self.signer.verifier)
            #expect(report.checkpoint?.checkpoint.size == 1000)
            for (i, index) in indexes where i % 97 == 0 {
                #expect(try await reopened.entries(from: index, count: 1) == [Array("e\(i)".utf8)])
            }
        }
    }

    @Test(arguments: Backend.available)
    func twoWritersOnOneDatabaseNeverFork(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, reopen in
            let other = try await reopen()
            let a = Sequencer(storage: store, signer: Self.signer, configuration: .init(maxBatchSize: 16, maxDelay: .zero))
            let b = Sequencer(storage: other, signer: Self.signer, configuration: .init(maxBatchSize: 16, maxDelay: .zero))
            let indexes = try await withThrowingTaskGroup(of: UInt64.self) { group in
                for i in 0..<400 {
                    let sequencer = i.isMultiple(of: 2) ? a : b
                    group.addTask { try await sequencer.append(Array("w\(i)".utf8)) }
                }
                return try await group.reduce(into: [UInt64]()) { $0.append($1) }
            }
            #expect(Set(indexes) == Set(0..<400))
            let report = try await LogIntegrity.check(storage: store, verifier: Self.signer.verifier)
            #expect(report.checkpoint?.checkpoint.size == 400)
        }
    }

    @Test(arguments: Backend.available)
    func failedTransactionLeavesNothingBehind(_ backend: Backend) async throws {
        struct Boom: Error {}
        try await withFreshStore(backend) { store, _ in
            let sequencer = Sequencer(storage: store, signer: Self.signer)
            _ = try await sequencer.append([1])
            await #expect(throws: Boom.self) {
                try await store.withWriter { tx in
                    try await tx.appendEntries(startingAt: 1, [[2], [3]])
                    throw Boom()
                }
            }
            #expect(try await store.entries(from: 0, count: 10) == [[1]])
            #expect(try await LogIntegrity.check(storage: store, verifier: Self.signer.verifier).checkpoint?.checkpoint.size == 1)
        }
    }

    @Test(arguments: Backend.available)
    func emptyStoreHasNoCheckpoint(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            #expect(try await store.latestCheckpoint() == nil)
            let report = try await LogIntegrity.check(storage: store, verifier: Self.signer.verifier)
            #expect(report.checkpoint == nil)
        }
    }
}

extension LogStorageConformanceTests {
    /// Indexes from requests can be anything up to 2^64 − 1: past the tree they read as absent,
    /// never trap (a tile path `x009/x223/x372/x036/x854/x775/808` once took the server down).
    @Test(arguments: Backend.available)
    func readsFarPastTheTreeAreEmpty(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let sequencer = Sequencer(storage: store, signer: Self.signer)
            for i in 0..<3 { _ = try await sequencer.append(Array("e\(i)".utf8)) }
            for index: UInt64 in [1 << 62, UInt64(Int64.max), UInt64(Int64.max) + 1, 9_223_372_036_854_775_808, UInt64.max - 1, UInt64.max] {
                for level in [0, 1, 63] {
                    #expect(try await store.tile(level: level, index: index) == nil, "tile \(level)/\(index)")
                }
                #expect(try await store.entries(from: index, count: 256).isEmpty, "entries from \(index)")
            }
            #expect(try await store.entries(from: UInt64(Int64.max) - 1, count: Int.max).isEmpty)
            #expect(try await store.entries(from: 1, count: Int.max).count == 2)
            #expect(try await store.entries(from: 0, count: 256).count == 3)
        }
    }
}
