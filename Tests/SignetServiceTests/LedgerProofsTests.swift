import Foundation
import SignetCore
import SignetLog
import SignetService
import Testing

/// Proofs read together (a page of activity) are the proofs read one by one.
struct LedgerProofsTests {
    @Test(arguments: [1, 2, 3, 255, 256, 257, 700])
    func proofsReadTogetherEqualProofsReadAlone(_ size: Int) async throws {
        let fixture = try await ServiceFixture.make()
        let ledger = fixture.service.ledger
        for index in 0..<size { _ = try await ledger.append(Array("entry \(index)".utf8)) }
        // The checkpoint covers every entry once the sequencer has published it.
        var published = await ledger.sizeLowerBound()
        for _ in 0..<200 where published < UInt64(size) {
            try await Task.sleep(for: .milliseconds(10))
            published = await ledger.sizeLowerBound()
        }
        let indices = Array(Set([0, size / 2, size - 1, max(0, size - 2), min(size - 1, 255)])).sorted().map(UInt64.init)
        let together = try await ledger.proofs(indices: indices)
        #expect(together.count == indices.count)
        for (index, proof) in zip(indices, together) {
            #expect(proof == (try await ledger.proof(index: index)), "index \(index) of \(size)")
            _ = try proof.verify(entry: Array("entry \(index)".utf8), verifier: ledger.verifier)
        }
        #expect(try await ledger.proofs(indices: []).isEmpty)
        await #expect(throws: LogError.self) { try await ledger.proofs(indices: [UInt64(size)]) }
    }
}
