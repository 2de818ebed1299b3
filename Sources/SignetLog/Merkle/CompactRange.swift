/// The right edge of a Merkle tree: one hash per perfect subtree, which is all that is needed to
/// append leaves and compute the root of the growing tree.
///
/// A tree of size `n` decomposes into perfect subtrees, one for each set bit of `n`, largest
/// first. Appending a leaf merges equal-sized subtrees like a binary counter carries.
public struct CompactRange: Sendable, Equatable {
    /// Number of leaves covered.
    public private(set) var size: UInt64 = 0
    /// Perfect-subtree hashes, largest (leftmost) first.
    public private(set) var hashes: [MerkleHash] = []

    /// An empty range.
    public init() {}

    /// Restores a range from its perfect-subtree hashes, largest first.
    init(size: UInt64, hashes: [MerkleHash]) {
        precondition(size.nonzeroBitCount == hashes.count)
        self.size = size
        self.hashes = hashes
    }

    /// Appends one leaf hash.
    public mutating func append(_ leaf: MerkleHash) {
        var hash = leaf
        var carry = size
        // Each trailing one bit of the old size is a subtree of equal size to merge with.
        while carry & 1 == 1 {
            hash = RFC6962.nodeHash(hashes.removeLast(), hash)
            carry >>= 1
        }
        hashes.append(hash)
        size += 1
    }

    /// The Merkle Tree Hash of the covered leaves (RFC 9162 `MTH`).
    public func rootHash() -> MerkleHash {
        guard var root = hashes.last else { return RFC6962.emptyRoot }
        for hash in hashes.dropLast().reversed() {
            root = RFC6962.nodeHash(hash, root)
        }
        return root
    }
}
