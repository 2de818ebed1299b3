import Foundation
import SignetCore

/// An offline-verifiable proof that an entry is in the log (C2SP tlog-proof v1).
///
/// ```
/// c2sp.org/tlog-proof@v1
/// index <decimal>
/// <base64 hash>            one per line, leaf's sibling first
/// <blank line>
/// <signed checkpoint note>
/// ```
public struct TlogProof: Sendable, Equatable {
    // SPEC: https://c2sp.org/tlog-proof

    static let header = "c2sp.org/tlog-proof@v1"

    /// Index of the entry.
    public let index: UInt64
    /// The inclusion proof in the checkpointed tree.
    public let path: [MerkleHash]
    /// The signed checkpoint note, verbatim.
    public let checkpointNote: String

    /// Creates a proof.
    public init(index: UInt64, path: [MerkleHash], checkpointNote: String) {
        self.index = index
        self.path = path
        self.checkpointNote = checkpointNote
    }

    /// The textual proof.
    public var text: String {
        ([Self.header, "index \(index)"] + path.map(\.base64)).joined(separator: "\n") + "\n\n" + checkpointNote
    }

    /// Parses a textual proof (extra data, if present, is skipped: it is never trusted).
    /// - Throws: ``LogError`` `.verificationFailed` when it is malformed.
    public init(parsing text: String) throws {
        guard let blank = text.range(of: "\n\n") else { throw LogError(.verificationFailed, "proof has no checkpoint") }
        var lines = text[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)[...]
        guard lines.popFirst() == Substring(Self.header) else { throw LogError(.verificationFailed, "not a c2sp.org/tlog-proof@v1 proof") }
        if lines.first?.hasPrefix("extra ") == true { lines = lines.dropFirst() }
        guard let indexLine = lines.popFirst(), indexLine.hasPrefix("index "),
              let index = TilePath.canonicalDecimal(indexLine.dropFirst(6))
        else { throw LogError(.verificationFailed, "proof has no valid index line") }
        var path: [MerkleHash] = []
        for line in lines {
            guard let hash = MerkleHash(base64: line) else { throw LogError(.verificationFailed, "proof hash is not base64 of 32 bytes") }
            path.append(hash)
        }
        self.init(index: index, path: path, checkpointNote: String(text[blank.upperBound...]))
    }

    /// Verifies the checkpoint signature and the inclusion of `entry`.
    /// - Returns: the verified checkpoint the entry is included in.
    /// - Throws: ``LogError`` when the signature or the inclusion proof does not verify.
    public func verify(entry: [UInt8], verifier: NoteVerifier) throws -> VerifiedCheckpoint {
        let checkpoint = try VerifiedCheckpoint(note: checkpointNote, verifier: verifier)
        try MerkleProof.verifyInclusion(
            leafIndex: index, treeSize: checkpoint.checkpoint.size, leafHash: RFC6962.leafHash(entry),
            proof: path, root: checkpoint.checkpoint.root)
        return checkpoint
    }
}
