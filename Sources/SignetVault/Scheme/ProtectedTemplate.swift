/// How the helper matrix P is stored on disk.
public enum HelperEncoding: UInt8, Sendable, CaseIterable, Codable {
    /// IEEE-754 binary32, 4 bytes per entry (default).
    case float32 = 1
    /// IEEE-754 binary16, 2 bytes per entry: halves storage and the memory read per verification
    /// (accuracy cost measured by `signet eval --float16`).
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
    /// How P is stored, on disk and in memory.
    public let helperEncoding: HelperEncoding
    /// P, row-major n×n, when ``helperEncoding`` is `.float32` (empty otherwise).
    var helper32: [Float]
    /// P as IEEE binary16 bit patterns, row-major, when ``helperEncoding`` is `.float16` (empty
    /// otherwise). Verification reads these directly: half the memory traffic of Float32.
    var helper16: [UInt16]

    /// P in Float32 (a converted copy for `.float16` templates).
    var helper: [Float] {
        helperEncoding == .float32 ? helper32 : helper16.map { Float(Float16(bitPattern: $0)) }
    }

    init(
        dimension: Int, alpha: Int, kdf: KDFParameters, salt: [UInt8], publicKey: [UInt8],
        preprocessorFingerprint: [UInt8], helperEncoding: HelperEncoding, helper: [Float]
    ) {
        self.init(dimension: dimension, alpha: alpha, kdf: kdf, salt: salt, publicKey: publicKey, preprocessorFingerprint: preprocessorFingerprint,
                  helperEncoding: helperEncoding, helper32: helperEncoding == .float32 ? helper : [],
                  helper16: helperEncoding == .float16 ? helper.map { Float16($0).bitPattern } : [])
    }

    init(
        dimension: Int, alpha: Int, kdf: KDFParameters, salt: [UInt8], publicKey: [UInt8],
        preprocessorFingerprint: [UInt8], halfHelper: [UInt16]
    ) {
        self.init(dimension: dimension, alpha: alpha, kdf: kdf, salt: salt, publicKey: publicKey, preprocessorFingerprint: preprocessorFingerprint,
                  helperEncoding: .float16, helper32: [], helper16: halfHelper)
    }

    private init(
        dimension: Int, alpha: Int, kdf: KDFParameters, salt: [UInt8], publicKey: [UInt8],
        preprocessorFingerprint: [UInt8], helperEncoding: HelperEncoding, helper32: [Float], helper16: [UInt16]
    ) {
        self.dimension = dimension
        self.alpha = alpha
        self.kdf = kdf
        self.salt = salt
        self.publicKey = publicKey
        self.preprocessorFingerprint = preprocessorFingerprint
        self.helperEncoding = helperEncoding
        self.helper32 = helper32
        self.helper16 = helper16
    }

    /// Size in bytes of the serialized template.
    public var serializedByteCount: Int { Self.headerByteCount + dimension * dimension * helperEncoding.byteWidth + 32 }

    static let headerByteCount = 120
}
