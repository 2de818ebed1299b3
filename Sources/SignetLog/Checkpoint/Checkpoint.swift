import SignetCore

/// The body of a C2SP tlog-checkpoint: which log, how big, and its root hash.
///
/// ```
/// <origin>
/// <decimal tree size>
/// <base64 root hash>
/// [extension lines]
/// ```
public struct Checkpoint: Sendable, Equatable {
    // SPEC: https://c2sp.org/tlog-checkpoint

    /// The log's identity, e.g. `signet.example/log`.
    public let origin: String
    /// Number of entries.
    public let size: UInt64
    /// RFC 9162 root hash of the first `size` entries.
    public let root: MerkleHash
    /// Optional extension lines (none are produced by Signet).
    public let extensions: [String]

    /// Creates a checkpoint body.
    public init(origin: String, size: UInt64, root: MerkleHash, extensions: [String] = []) {
        self.origin = origin
        self.size = size
        self.root = root
        self.extensions = extensions
    }

    /// The note text, ending in a newline.
    public var text: String {
        ([origin, String(size), root.base64] + extensions).joined(separator: "\n") + "\n"
    }

    /// Parses checkpoint text strictly (canonical size, canonical base64, no empty lines).
    /// - Throws: ``LogError`` `.invalidCheckpoint` when it is malformed.
    public init(parsingText text: String) throws {
        guard text.hasSuffix("\n") else { throw LogError(.invalidCheckpoint, "checkpoint text must end in a newline") }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, !lines[0].isEmpty else {
            throw LogError(.invalidCheckpoint, "checkpoint needs origin, size and root lines")
        }
        guard let size = TilePath.canonicalDecimal(lines[1]) else {
            throw LogError(.invalidCheckpoint, "checkpoint size must be a decimal without leading zeros")
        }
        guard let root = MerkleHash(base64: lines[2]) else {
            throw LogError(.invalidCheckpoint, "checkpoint root must be the base64 of 32 bytes")
        }
        guard lines.dropFirst(3).allSatisfy({ !$0.isEmpty }) else {
            throw LogError(.invalidCheckpoint, "checkpoint extension lines must not be empty")
        }
        self.init(origin: String(lines[0]), size: size, root: root, extensions: lines.dropFirst(3).map(String.init))
    }
}

/// A checkpoint whose signature was checked against the log's key. Only
/// ``VerifiedCheckpoint/init(note:verifier:)`` and ``NoteSigner/sign(_:)`` make one.
public struct VerifiedCheckpoint: Sendable, Equatable {
    /// The checkpoint body.
    public let checkpoint: Checkpoint
    /// The complete signed note, as served at `<prefix>/checkpoint`.
    public let note: String

    /// Parses and verifies a signed checkpoint note.
    /// - Throws: ``LogError`` `.invalidCheckpoint` when the note is malformed, not signed by
    ///   `verifier`, or its origin is not the verifier's key name.
    public init(note: String, verifier: NoteVerifier) throws {
        let signed = try SignedNote(parsing: note)
        try verifier.verify(signed)
        let checkpoint = try Checkpoint(parsingText: signed.text)
        guard checkpoint.origin == verifier.name else {
            throw LogError(.invalidCheckpoint, "checkpoint origin \(checkpoint.origin) is not the key's name \(verifier.name)")
        }
        self.checkpoint = checkpoint
        self.note = note
    }

    init(checkpoint: Checkpoint, note: String) {
        self.checkpoint = checkpoint
        self.note = note
    }
}

extension NoteSigner {
    /// Signs a checkpoint; the origin must be this key's name.
    /// - Throws: ``LogError`` `.invalidKey` when the origin differs from the key name.
    public func sign(_ checkpoint: Checkpoint) throws -> VerifiedCheckpoint {
        guard checkpoint.origin == name else {
            throw LogError(.invalidKey, "checkpoint origin \(checkpoint.origin) differs from key name \(name)")
        }
        return VerifiedCheckpoint(checkpoint: checkpoint, note: try sign(text: checkpoint.text))
    }
}
