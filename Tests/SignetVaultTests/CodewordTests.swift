import Testing
@testable import SignetVault

struct CodewordTests {
    @Test(arguments: [(64, 1), (128, 8), (512, 16)])
    func randomCodewordHasExactlyAlphaEntriesOfEqualMagnitude(n: Int, alpha: Int) {
        var rng = DeterministicGenerator(seed: 3)
        let c = Codeword.random(dimension: n, alpha: alpha, using: &rng)
        let dense = c.dense()
        let nonZero = dense.filter { $0 != 0 }
        #expect(nonZero.count == alpha)
        #expect(nonZero.allSatisfy { abs(abs($0) - 1 / Double(alpha).squareRoot()) < 1e-12 })
        #expect(c.indices == c.indices.sorted())
        #expect(abs(dot(dense, dense) - 1) < 1e-12)
    }

    @Test func canonicalEncodingIsSortedIndicesAndSignBits() {
        let c = Codeword(dimension: 16, indices: [9, 2, 5], negative: [true, false, true])
        let prefix = Array("signet.vault.codeword.v1".utf8)
        let expected = prefix + [16, 0, 0, 0, 3, 0] + [2, 0, 0, 0, 5, 0, 0, 0, 9, 0, 0, 0] + [0b110]
        #expect(c.canonicalEncoding() == expected)
    }

    @Test func decodingPicksLargestMagnitudesWithSignsAndBreaksTiesByIndex() {
        let y: [Float] = [0.1, -0.9, 0.5, 0.5, 0.0, -0.5]
        let c = y.withUnsafeBufferPointer { Codeword.decode($0, alpha: 3) }
        #expect(c.indices == [1, 2, 3])
        #expect(c.negative == [true, false, false])
    }

    /// Pitfall: hashing float bytes makes −0.0 and 0.0 different keys. The codeword never holds floats.
    @Test func negativeZeroAndZeroGiveTheSameCodewordEncoding() throws {
        let a: [Float] = [0.8, 0.0, -0.7, 0.1]
        let b: [Float] = [0.8, -0.0, -0.7, 0.1]
        #expect(a.map(\.bitPattern) != b.map(\.bitPattern))  // the float bytes differ …
        let ca = a.withUnsafeBufferPointer { Codeword.decode($0, alpha: 3) }
        let cb = b.withUnsafeBufferPointer { Codeword.decode($0, alpha: 3) }
        #expect(ca.canonicalEncoding() == cb.canonicalEncoding())  // … the canonical encoding does not
        let salt = [UInt8](repeating: 9, count: 32)
        #expect(try CodewordKey.publicKey(for: ca, salt: salt, kdf: .insecureTesting)
            == CodewordKey.publicKey(for: cb, salt: salt, kdf: .insecureTesting))
    }

    @Test func listDecodingStartsWithTheNearestCodewordAndIsOrderedByCorrelation() {
        var synthetic = Synthetic(seed: 11)
        let y = synthetic.vector(40)
        let list = y.withUnsafeBufferPointer { Codeword.decodeList($0, alpha: 4, listSize: 10) }
        let nearest = y.withUnsafeBufferPointer { Codeword.decode($0, alpha: 4) }
        #expect(list.count == 10)
        #expect(list.first == nearest)
        #expect(Set(list.map(\.indices)).count == 10)
        let scores = list.map { c in c.indices.reduce(Float(0)) { $0 + abs(y[$1]) } }
        #expect(zip(scores, scores.dropFirst()).allSatisfy { $0 >= $1 })
        // Exhaustive check against brute force over all 4-subsets.
        var all: [Float] = []
        for a in 0..<40 { for b in (a + 1)..<40 { for c in (b + 1)..<40 { for d in (c + 1)..<40 {
            all.append(abs(y[a]) + abs(y[b]) + abs(y[c]) + abs(y[d]))
        } } } }
        all.sort(by: >)
        for k in 0..<10 { #expect(abs(all[k] - scores[k]) < 1e-5) }
    }
}
