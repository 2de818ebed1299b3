/// The deployment's template protection: scheme parameters and preprocessing.
public struct VaultConfiguration: Sendable {
    /// The scheme every template is enrolled and verified with.
    public let scheme: IronMask

    /// Creates a configuration.
    /// - Parameters:
    ///   - dimension: embedding dimension of this deployment (default 512).
    ///   - alpha: non-zero codeword entries (default 16, the floor `signet eval` recommends at n = 512).
    ///   - kdf: key-derivation cost (default production scrypt).
    ///   - preprocessor: population mean; default none (embeddings are only L2-normalised).
    /// - Throws: ``VaultError`` when the parameters are out of range.
    public init(dimension: Int = 512, alpha: Int = 16, kdf: KDFParameters = .production, preprocessor: EmbeddingPreprocessor? = nil) throws {
        scheme = try IronMask(
            parameters: IronMaskParameters(alpha: alpha, kdf: kdf),
            preprocessor: preprocessor ?? EmbeddingPreprocessor.identity(dimension: dimension))
    }
}
