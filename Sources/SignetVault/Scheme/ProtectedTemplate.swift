/// How the helper matrix P is stored on disk.
public enum HelperEncoding: UInt8, Sendable, CaseIterable, Codable {
    /// IEEE-754 binary32, 4 bytes per entry (default).
    case float32 = 1
    /// IEEE-754 binary16, 2 bytes per entry; halves storage at a measured accuracy cost.
    case float16 = 2

    /// Bytes per matrix entry.
    public var byteWidth: Int { self == .float32 ? 4 : 2 }
}

/// What Signet stores instead of an embedding: the IronMask helper matrix P = R·Q, a salt, the
/// scheme parameters, and the Ed25519 public key whose seed is scrypt(codeword, salt).
///
/// Nothing in it can be replayed as a biometric: P is a random orthogonal matrix, and the codeword
/// it hides is recoverable only from a probe close to the enrolled embedding.
public struct ProtectedTemplate: Sendable {
    /// The serialization format version this build writes and reads.
    public static let currentFormatVersion: UInt16 = 1
    /// Largest supported dimension (bounds memory when reading untrusted bytes).
    public static let maximumDimension = 4096

    /// Embedding and codeword dimension n.
    public let dimension: Int
    /// Number of non-zero codeword entries α.
    public let alpha: Int
    /// KDF cost used for this template's key.
    public let kdf: KDFParameters
    /// 32 random bytes, the KDF salt.
    public internal(set) var salt: [UInt8]
    /// Raw 32-byte Ed25519 public key.
    public internal(set) var publicKey: [UInt8]
    /// SHA-256 fingerprint of the ``EmbeddingPreprocessor`` used at enrollment.
    public let preprocessorFingerprint: [UInt8]
    /// How P is written by ``serializedBytes()``; P is held in memory as Float32 either way.
    public let helperEncoding: HelperEncoding
    /// P, row-major n×n (values already rounded to the storage precision).
    var helper: [Float]

    init(
        dimension: Int, alpha: Int, kdf: KDFParameters, salt: [UInt8], publicKey: [UInt8],
        preprocessorFingerprint: [UInt8], helperEncoding: HelperEncoding, helper: [Float]
    ) {
        self.dimension = dimension
        self.alpha = alpha
        self.kdf = kdf
        self.salt = salt
        self.publicKey = publicKey
        self.preprocessorFingerprint = preprocessorFingerprint
        self.helperEncoding = helperEncoding
        self.helper = helperEncoding == .float16 ? helper.map { Float(Float16($0)) } : helper
    }

    /// Size in bytes of the serialized template.
    public var serializedByteCount: Int { Self.headerByteCount + dimension * dimension * helperEncoding.byteWidth + 32 }

    static let headerByteCount = 120
}
