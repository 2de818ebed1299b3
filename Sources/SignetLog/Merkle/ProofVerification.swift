import SignetCore
/// Verification of RFC 9162 inclusion and consistency proofs.
///
/// Both verifiers follow RFC 9162 §2.1.3.2 and §2.1.4.2 literally, so every proof that those
/// algorithms accept is accepted here and nothing else.
public enum MerkleProof {
    // SPEC: https://www.rfc-editor.org/rfc/rfc9162#section-2.1.3.2

    /// Computes the root implied by an inclusion proof, or throws when the proof is malformed.
    static func rootFromInclusionProof(
        leafIndex: UInt64, treeSize: UInt64, leafHash: MerkleHash, proof: [MerkleHash]
    ) throws -> MerkleHash {
        guard leafIndex < treeSize else {
            throw LogError(.verificationFailed, "leaf index \(leafIndex) is not below tree size \(treeSize)")
        }
        var r = leafHash
        try walk(proof, from: leafIndex, lastNode: treeSize - 1, kind: "inclusion") { p, isLeftSibling in
            r = isLeftSibling ? RFC6962.nodeHash(p, r) : RFC6962.nodeHash(r, p)
        }
        return r
    }

    /// The loop both RFC 9162 verifiers share: climbs from node `fn` of a tree whose last node
    /// is `sn`, handing each hash of `path` to `combine` with whether it is a left sibling. It is
    /// one when `fn` is a right child or the last node of its level; a last node that is a left
    /// child then climbs past the levels where it has no sibling. Throws when `path` is longer or
    /// shorter than the climb to the root. One copy keeps the two verifiers from drifting apart;
    /// it is forced inline so that the closure costs nothing (a benchmark with a hash far cheaper
    /// than SHA-256 showed no difference from the two hand-written loops).
    @inline(__always)
    private static func walk(
        _ path: some Sequence<MerkleHash>, from fn: UInt64, lastNode sn: UInt64, kind: String,
        _ combine: (MerkleHash, _ isLeftSibling: Bool) -> Void
    ) throws {
        var fn = fn
        var sn = sn
        for c in path {
            guard sn != 0 else { throw LogError(.verificationFailed, "\(kind) proof is too long") }
            let isLeftSibling = fn & 1 == 1 || fn == sn
            combine(c, isLeftSibling)
            if isLeftSibling {
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw LogError(.verificationFailed, "\(kind) proof is too short") }
    }

    /// Verifies that `leafHash` is at `leafIndex` in the tree of `treeSize` with root `root`.
    /// - Throws: ``LogError`` `.verificationFailed` when it is not.
    public static func verifyInclusion(
        leafIndex: UInt64, treeSize: UInt64, leafHash: MerkleHash, proof: [MerkleHash], root: MerkleHash
    ) throws {
        let computed = try rootFromInclusionProof(
            leafIndex: leafIndex, treeSize: treeSize, leafHash: leafHash, proof: proof)
        guard computed == root else {
            throw LogError(.verificationFailed, "inclusion proof does not lead to the expected root")
        }
    }

    // SPEC: https://www.rfc-editor.org/rfc/rfc9162#section-2.1.4.2

    /// Verifies that the tree of `size2` with `root2` extends the tree of `size1` with `root1`.
    /// - Throws: ``LogError`` `.verificationFailed` when the proof does not show it, including a
    ///   rollback (`size2 < size1`) or a fork (same size, different roots).
    public static func verifyConsistency(
        size1: UInt64, size2: UInt64, root1: MerkleHash, root2: MerkleHash, proof: [MerkleHash]
    ) throws {
        guard size1 <= size2 else {
            throw LogError(.verificationFailed, "tree shrank from \(size1) to \(size2)")
        }
        if size1 == size2 {
            guard proof.isEmpty else { throw LogError(.verificationFailed, "proof between equal sizes must be empty") }
            guard root1 == root2 else { throw LogError(.verificationFailed, "two different roots for tree size \(size1)") }
            return
        }
        if size1 == 0 {
            // Every tree extends the empty tree; a non-empty proof is malformed.
            guard proof.isEmpty else { throw LogError(.verificationFailed, "proof from the empty tree must be empty") }
            return
        }
        guard !proof.isEmpty else { throw LogError(.verificationFailed, "consistency proof is empty") }
        var path = proof
        if size1 & (size1 - 1) == 0 { path.insert(root1, at: 0) }
        var fn = size1 - 1
        var sn = size2 - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var fr = path[0]
        var sr = path[0]
        try walk(path.dropFirst(), from: fn, lastNode: sn, kind: "consistency") { c, isLeftSibling in
            if isLeftSibling {
                fr = RFC6962.nodeHash(c, fr)
                sr = RFC6962.nodeHash(c, sr)
            } else {
                sr = RFC6962.nodeHash(sr, c)
            }
        }
        guard fr == root1 else { throw LogError(.verificationFailed, "consistency proof does not match the old root") }
        guard sr == root2 else { throw LogError(.verificationFailed, "consistency proof does not match the new root") }
    }
}
