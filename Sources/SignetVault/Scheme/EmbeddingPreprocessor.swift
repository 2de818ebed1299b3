import Crypto
import SignetCore

/// Public, versioned preprocessing shared by enrollment and verification: subtract a population
/// mean (learned from people who are not users), then L2-normalise.
///
/// Without centring, raw embeddings sit in a narrow cone and impostors decode to the same
/// codeword. The mean is deployment data, not a secret; templates record its fingerprint so a probe
/// is never prepared with a different mean from the one used at enrollment.
public struct EmbeddingPreprocessor: Sendable, Equatable {
    /// Embedding dimension n.
    public let dimension: Int
    /// The population mean μ (all zeros for ``identity(dimension:)``).
    public let mean: [Float]
    /// A deployment label, e.g. `"faces-dlib128-2026-11"`; part of the fingerprint.
    public let version: String

    /// Creates a preprocessor from a known mean.
    /// - Parameters:
    ///   - mean: The population mean; its length is the dimension.
    ///   - version: A deployment label.
    /// - Throws: ``VaultError`` `invalidParameter` for an empty mean, `nonFiniteValue` for NaN/Inf.
    public init(mean: [Float], version: String) throws {
        guard !mean.isEmpty, mean.count <= ProtectedTemplate.maximumDimension else {
            throw VaultError(.invalidParameter, "mean dimension must be 1...\(ProtectedTemplate.maximumDimension)")
        }
        guard mean.allSatisfy(\.isFinite) else { throw VaultError(.nonFiniteValue, "mean contains a non-finite value") }
        // Deliberate: −0.0 is stored as 0.0 so the fingerprint is canonical.
        self.mean = mean.map { $0 == 0 ? 0 : $0 }
        self.dimension = mean.count
        self.version = version
    }

    /// A preprocessor that only normalises (no centring); for data that is already centred.
    /// - Parameter dimension: n.
    /// - Returns: The preprocessor.
    /// - Throws: ``VaultError`` `invalidParameter` for a dimension out of range.
    public static func identity(dimension: Int) throws -> EmbeddingPreprocessor {
        try EmbeddingPreprocessor(mean: [Float](repeating: 0, count: max(dimension, 0)), version: "identity")
    }

    /// Learns the mean of a training population (people who are not users).
    /// - Parameters:
    ///   - samples: Raw embeddings, all of one dimension.
    ///   - version: A deployment label.
    /// - Returns: The preprocessor.
    /// - Throws: ``VaultError`` for no samples, ragged or non-finite input.
    public static func learn(from samples: [[Float]], version: String) throws -> EmbeddingPreprocessor {
        guard let n = samples.first?.count, n > 0 else { throw VaultError(.insufficientSamples, "no training samples") }
        var sum = [Double](repeating: 0, count: n)
        for s in samples {
            guard s.count == n else { throw VaultError(.dimensionMismatch, "training samples have different dimensions") }
            guard s.allSatisfy(\.isFinite) else { throw VaultError(.nonFiniteValue, "training sample contains a non-finite value") }
            for i in 0..<n { sum[i] += Double(s[i]) }
        }
        return try EmbeddingPreprocessor(mean: sum.map { Float($0 / Double(samples.count)) }, version: version)
    }

    /// SHA-256 over the version and the mean's IEEE-754 bits; stored in every template.
    public var fingerprint: [UInt8] {
        var bytes = Array("signet.vault.preprocessor.v1".utf8)
        appendLE(UInt32(version.utf8.count), to: &bytes)
        bytes += Array(version.utf8)
        appendLE(UInt32(dimension), to: &bytes)
        for m in mean { appendLE(m.bitPattern, to: &bytes) }
        return Array(SHA256.hash(data: bytes))
    }

    /// Validates an embedding and returns normalise(x − μ) in Float32.
    /// - Parameter embedding: A raw embedding.
    /// - Returns: A unit vector.
    /// - Throws: ``VaultError`` `dimensionMismatch`, `nonFiniteValue` or `degenerateEmbedding`.
    public func prepare(_ embedding: [Float]) throws -> [Float] {
        var out = [Float](repeating: 0, count: dimension)
        try prepare(embedding, into: &out)
        return out
    }

    /// Allocation-free form of ``prepare(_:)`` for hot paths.
    /// - Parameters:
    ///   - embedding: A raw embedding.
    ///   - out: Receives the unit vector; must have `dimension` elements.
    /// - Throws: ``VaultError`` `dimensionMismatch`, `nonFiniteValue` or `degenerateEmbedding`.
    public func prepare(_ embedding: [Float], into out: inout [Float]) throws {
        guard embedding.count == dimension, out.count == dimension else {
            throw VaultError(.dimensionMismatch, "embedding has dimension \(embedding.count), expected \(dimension)")
        }
        var norm2: Double = 0
        var finite = true
        for i in 0..<dimension {
            let x = embedding[i]
            finite = finite && x.isFinite
            let d = x - mean[i]
            out[i] = d
            norm2 += Double(d) * Double(d)
        }
        guard finite, norm2.isFinite else { throw VaultError(.nonFiniteValue, "embedding contains a non-finite value") }
        // Relative threshold: a vector this close to the mean has no usable direction.
        guard norm2 > 1e-12 else { throw VaultError(.degenerateEmbedding, "embedding is zero after centring") }
        let scale = Float(1 / norm2.squareRoot())
        for i in 0..<dimension { out[i] *= scale }
    }

    /// The normalised mean of k prepared samples (multi-sample enrollment).
    /// - Parameter samples: One or more raw embeddings of one person.
    /// - Returns: A unit vector in Double precision.
    /// - Throws: ``VaultError`` as ``prepare(_:)``, or `insufficientSamples` when empty.
    func prepareMean(of samples: [[Float]]) throws -> [Double] {
        guard !samples.isEmpty else { throw VaultError(.insufficientSamples, "enrollment needs at least one sample") }
        var sum = [Double](repeating: 0, count: dimension)
        var unit = [Float](repeating: 0, count: dimension)
        defer { zeroize(&unit) }
        for s in samples {
            try prepare(s, into: &unit)
            for i in 0..<dimension { sum[i] += Double(unit[i]) }
        }
        let norm = sum.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 1e-9 else {
            zeroize(&sum)
            throw VaultError(.degenerateEmbedding, "enrollment samples cancel out")
        }
        for i in 0..<dimension { sum[i] /= norm }
        return sum
    }
}
