import Crypto
public import Foundation
import SignetCore

/// A SHA-256 Merkle tree hash (32 bytes), as defined by RFC 9162 §2.1.1.
public struct MerkleHash: Hashable, Sendable, CustomStringConvertible {
    /// The 32 hash bytes.
    public let bytes: [UInt8]

    /// Wraps 32 bytes as a hash.
    /// - Throws: ``LogError`` `.invalidArgument` when `bytes` is not 32 bytes long.
    public init(_ bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw LogError(.invalidArgument, "a Merkle hash is 32 bytes, got \(bytes.count)")
        }
        self.bytes = bytes
    }

    init(unchecked bytes: [UInt8]) { self.bytes = bytes }

    init(_ digest: SHA256.Digest) { self.bytes = Array(digest) }

    /// Standard base64, as used in checkpoints and proofs.
    public var base64: String { Base64.encode(bytes) }

    /// Parses a standard-base64 hash.
    /// - Returns: the hash, or `nil` when the text is not canonical base64 of 32 bytes.
    public init?(base64 text: some StringProtocol) {
        guard let bytes = Base64.decode(text), bytes.count == 32 else { return nil }
        self.bytes = bytes
    }

    public var description: String { Hex.encode(bytes) }
}

/// RFC 9162 §2.1.1 hashing: domain-separated leaf and interior-node hashes.
public enum RFC6962 {
    // SPEC: https://www.rfc-editor.org/rfc/rfc9162#section-2.1.1

    private static let leafPrefix: [UInt8] = [0x00]
    private static let nodePrefix: [UInt8] = [0x01]

    /// The hash of the empty tree, `SHA-256()`.
    public static let emptyRoot = MerkleHash(SHA256.hash(data: [UInt8]()))

    /// `SHA-256(0x00 || entry)`.
    public static func leafHash(_ entry: some DataProtocol) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: Self.leafPrefix)
        hasher.update(data: entry)
        return MerkleHash(hasher.finalize())
    }

    /// `SHA-256(0x01 || left || right)`.
    public static func nodeHash(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        var hasher = SHA256()
        hasher.update(data: Self.nodePrefix)
        hasher.update(data: left.bytes)
        hasher.update(data: right.bytes)
        return MerkleHash(hasher.finalize())
    }

    /// The Merkle Tree Hash of a list of leaf hashes (`MTH` of RFC 9162 §2.1.1).
    /// - Parameter leaves: leaf hashes in order; any count, including zero.
    public static func rootHash(of leaves: some RandomAccessCollection<MerkleHash>) -> MerkleHash {
        var range = CompactRange()
        for leaf in leaves { range.append(leaf) }
        return range.rootHash()
    }
}
