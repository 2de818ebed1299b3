import SignetCore

/// A source of perfect-subtree hashes: the hash of the `2^level` leaves starting at
/// `index * 2^level`.
///
/// Storage backends answer from stored tiles; auditors answer from tiles they verified.
public protocol SubtreeHashReader: Sendable {
    /// The Merkle Tree Hash of leaves `[index << level, (index + 1) << level)`.
    /// - Throws: when the hash is not available.
    func subtreeHash(level: Int, index: UInt64) async throws -> MerkleHash
}

/// Builds RFC 9162 tree hashes and proofs from any ``SubtreeHashReader``.
public struct ProofBuilder<Reader: SubtreeHashReader>: Sendable {
    /// Where the hashes come from.
    public let reader: Reader

    /// Creates a builder over `reader`.
    public init(reader: Reader) { self.reader = reader }

    /// The root hash of the tree of `size` leaves.
    public func treeHash(size: UInt64) async throws -> MerkleHash {
        size == 0 ? RFC6962.emptyRoot : try await rangeHash(0, size)
    }

    /// `MTH(D[start:end])` for the ranges that RFC 9162's recursions produce.
    func rangeHash(_ start: UInt64, _ end: UInt64) async throws -> MerkleHash {
        let count = end - start
        if count & (count - 1) == 0 && start % count == 0 {
            return try await reader.subtreeHash(level: count.trailingZeroBitCount, index: start / count)
        }
        let k = largestPowerOfTwo(below: count)
        let left = try await rangeHash(start, start + k)
        let right = try await rangeHash(start + k, end)
        return RFC6962.nodeHash(left, right)
    }

    // SPEC: https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.1

    /// The inclusion proof (audit path, leaf to root) of leaf `index` in the tree of `size`.
    /// - Throws: ``LogError`` `.invalidArgument` when `index >= size`.
    public func inclusionProof(index: UInt64, size: UInt64) async throws -> [MerkleHash] {
        guard index < size else {
            throw LogError(.invalidArgument, "index \(index) is not below tree size \(size)")
        }
        return try await path(index, 0, size)
    }

    private func path(_ m: UInt64, _ start: UInt64, _ end: UInt64) async throws -> [MerkleHash] {
        let n = end - start
        guard n > 1 else { return [] }
        let k = largestPowerOfTwo(below: n)
        if m < k {
            return try await path(m, start, start + k) + [rangeHash(start + k, end)]
        } else {
            return try await path(m - k, start + k, end) + [rangeHash(start, start + k)]
        }
    }

    // SPEC: https://www.rfc-editor.org/rfc/rfc9162#section-2.1.4.1

    /// The consistency proof between the trees of `size1` and `size2` leaves.
    /// - Throws: ``LogError`` `.invalidArgument` when `size1 > size2`.
    public func consistencyProof(size1: UInt64, size2: UInt64) async throws -> [MerkleHash] {
        guard size1 <= size2 else {
            throw LogError(.invalidArgument, "old size \(size1) is larger than new size \(size2)")
        }
        guard size1 > 0, size1 < size2 else { return [] }
        return try await subproof(size1, 0, size2, true)
    }

    private func subproof(_ m: UInt64, _ start: UInt64, _ end: UInt64, _ complete: Bool) async throws -> [MerkleHash] {
        let n = end - start
        if m == n {
            return complete ? [] : [try await rangeHash(start, end)]
        }
        let k = largestPowerOfTwo(below: n)
        if m <= k {
            return try await subproof(m, start, start + k, complete) + [rangeHash(start + k, end)]
        } else {
            return try await subproof(m - k, start + k, end, false) + [rangeHash(start, start + k)]
        }
    }
}

/// The largest power of two strictly below `n` (`n >= 2`).
func largestPowerOfTwo(below n: UInt64) -> UInt64 {
    UInt64(1) << (63 - (n - 1).leadingZeroBitCount)
}
