import SignetCore

/// Deployment parameters of the IronMask scheme.
public struct IronMaskParameters: Sendable, Hashable {
    /// Non-zero codeword entries α.
    public let alpha: Int
    /// KDF cost for new templates.
    public let kdf: KDFParameters
    /// How new templates store P.
    public let helperEncoding: HelperEncoding
    /// Codeword candidates the verifier tries per attempt (1 = plain nearest-codeword decoding).
    ///
    /// Each candidate costs one KDF evaluation and can raise the false-accept chance per attempt
    /// by up to this factor; it does not change the offline search space.
    public let listSize: Int

    /// Creates parameters.
    /// - Parameters:
    ///   - alpha: α, at least 1 and at most the embedding dimension (checked by ``IronMask``).
    ///   - kdf: KDF cost.
    ///   - helperEncoding: Storage precision of P.
    ///   - listSize: 1...64.
    /// - Throws: ``VaultError`` `invalidParameter` when α < 1 or listSize is out of range.
    public init(alpha: Int, kdf: KDFParameters = .production, helperEncoding: HelperEncoding = .float32, listSize: Int = 1) throws {
        guard alpha >= 1, alpha <= ProtectedTemplate.maximumDimension, alpha <= Int(UInt16.max) else {
            throw VaultError(.invalidParameter, "alpha must be at least 1")
        }
        guard (1...64).contains(listSize) else { throw VaultError(.invalidParameter, "list size must be 1...64") }
        self.alpha = alpha
        self.kdf = kdf
        self.helperEncoding = helperEncoding
        self.listSize = listSize
    }
}
