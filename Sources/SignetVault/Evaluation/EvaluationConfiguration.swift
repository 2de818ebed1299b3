/// What `signet eval` sweeps.
public struct EvaluationConfiguration: Sendable {
    /// α values for the protected scheme.
    public var alphas: [Int]
    /// Samples averaged per enrolled template (each value is one sweep).
    public var enrollSamples: [Int]
    /// Decoder list sizes to report (1 = plain nearest-codeword decoding).
    public var listSizes: [Int]
    /// Also report Float16 helper storage (same templates, rounded).
    public var includeFloat16: Bool
    /// KDF whose cost per guess is measured and reported.
    public var kdf: KDFParameters
    /// Upper bound on mated and on non-mated template pairs for D_sys.
    public var linkagePairs: Int
    /// Seed for a reproducible run; nil uses the system CSPRNG.
    public var seed: UInt64?

    /// Creates a configuration.
    /// - Parameters:
    ///   - alphas: α values.
    ///   - enrollSamples: k values.
    ///   - listSizes: Decoder list sizes.
    ///   - includeFloat16: Report Float16 storage too.
    ///   - kdf: KDF to time.
    ///   - linkagePairs: Pair cap for D_sys.
    ///   - seed: Optional seed.
    public init(
        alphas: [Int] = [4, 6, 8, 12, 16], enrollSamples: [Int] = [1], listSizes: [Int] = [1],
        includeFloat16: Bool = false, kdf: KDFParameters = .production, linkagePairs: Int = 200, seed: UInt64? = nil
    ) {
        self.alphas = alphas
        self.enrollSamples = enrollSamples
        self.listSizes = listSizes
        self.includeFloat16 = includeFloat16
        self.kdf = kdf
        self.linkagePairs = linkagePairs
        self.seed = seed
    }
}
