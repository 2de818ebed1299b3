import SignetCore

/// IronMask (Kim et al., CVPR 2021): hide a unit embedding t behind a random orthogonal matrix P
/// with P·t = c, for a random sparse codeword c that seeds an Ed25519 key.
///
/// Enrollment: c has exactly α entries ±1/√α (CSPRNG support and signs); Q is Haar-random; R is
/// the rotation in the plane of {Q·t, c} that sends Q·t to c; P = R·Q. Only P, a salt, the
/// parameters and the public key are kept.
///
/// Deliberate: P is R·Q, never R alone and never a single Householder reflection. Both of those
/// differ from the identity only on span{t, c}, which reveals c (it is the sparse vector in that
/// plane) and then t = Rᵀ·c. The random Q removes that structure.
public struct IronMask: TemplateScheme {
    /// Scheme parameters.
    public let parameters: IronMaskParameters
    /// Public preprocessing (population mean).
    public let preprocessor: EmbeddingPreprocessor

    /// `"ironmask"`.
    public var name: String { "ironmask" }

    /// Creates the scheme.
    /// - Parameters:
    ///   - parameters: α, KDF cost, storage precision, list size.
    ///   - preprocessor: Population mean and dimension.
    /// - Throws: ``VaultError`` `invalidParameter` when α exceeds the dimension or the dimension is below 2.
    public init(parameters: IronMaskParameters, preprocessor: EmbeddingPreprocessor) throws {
        guard preprocessor.dimension >= 2, parameters.alpha <= preprocessor.dimension else {
            throw VaultError(.invalidParameter, "alpha must be 1...\(preprocessor.dimension) for this dimension")
        }
        self.parameters = parameters
        self.preprocessor = preprocessor
    }

    /// Enrolls the normalised mean of `samples`.
    /// - Parameters:
    ///   - samples: One or more raw embeddings of one person.
    ///   - rng: Randomness (the system CSPRNG in production).
    /// - Returns: The protected template.
    /// - Throws: ``VaultError`` for bad samples or a KDF failure.
    public func enroll<R: RandomNumberGenerator>(samples: [[Float]], using rng: inout R) throws -> ProtectedTemplate {
        var codeword = Codeword.random(dimension: preprocessor.dimension, alpha: parameters.alpha, using: &rng)
        defer { codeword.zeroize() }
        return try enroll(samples: samples, codeword: codeword, kdf: parameters.kdf, using: &rng)
    }

    /// Enrollment with a given codeword; `kdf` nil skips key derivation (evaluation sweeps only).
    func enroll<R: RandomNumberGenerator>(
        samples: [[Float]], codeword: Codeword, kdf: KDFParameters?, using rng: inout R
    ) throws -> ProtectedTemplate {
        var t = try preprocessor.prepareMean(of: samples)
        defer { zeroize(&t) }
        var helper = makeHelper(t: t, codeword: codeword, using: &rng)
        defer { zeroize(&helper) }
        var salt = [UInt8](repeating: 0, count: 32)
        for i in salt.indices { salt[i] = UInt8.random(in: .min ... .max, using: &rng) }
        let publicKey = try kdf.map { try CodewordKey.publicKey(for: codeword, salt: salt, kdf: $0) } ?? [UInt8](repeating: 0, count: 32)
        return ProtectedTemplate(
            dimension: preprocessor.dimension, alpha: parameters.alpha, kdf: kdf ?? parameters.kdf,
            salt: salt, publicKey: publicKey, preprocessorFingerprint: preprocessor.fingerprint,
            helperEncoding: parameters.helperEncoding, helper: helper
        )
    }

    /// P = R·Q as row-major Float32, computed in Double.
    func makeHelper<R: RandomNumberGenerator>(t: [Double], codeword: Codeword, using rng: inout R) -> [Float] {
        let n = t.count
        var c = codeword.dense()
        defer { zeroize(&c) }
        while true {
            var q = HaarOrthogonal.sample(dimension: n, using: &rng)
            defer { zeroize(&q) }
            // a = Q·t (unit), b = unit part of c orthogonal to a; R rotates a onto c in span{a, b}.
            var a = [Double](repeating: 0, count: n)
            defer { zeroize(&a) }
            for i in 0..<n {
                var s = 0.0
                for j in 0..<n { s += q[i * n + j] * t[j] }
                a[i] = s
            }
            let cosine = zip(a, c).reduce(0) { $0 + $1.0 * $1.1 }
            var b = zip(c, a).map { $0 - cosine * $1 }
            defer { zeroize(&b) }
            let sine = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
            // Q·t (anti)parallel to c happens with probability zero; draw a new Q if it does.
            guard sine > 1e-9 else { continue }
            for i in 0..<n { b[i] /= sine }
            // Row vectors aᵀQ = tᵀ and bᵀQ.
            var bq = [Double](repeating: 0, count: n)
            defer { zeroize(&bq) }
            for i in 0..<n where b[i] != 0 {
                let bi = b[i]
                for j in 0..<n { bq[j] += bi * q[i * n + j] }
            }
            // P = Q + a·[(cos−1)·tᵀ − sin·bᵀQ] + b·[sin·tᵀ + (cos−1)·bᵀQ]
            var p = [Float](repeating: 0, count: n * n)
            for i in 0..<n {
                let ai = a[i], bi = b[i]
                for j in 0..<n {
                    let u = (cosine - 1) * t[j] - sine * bq[j]
                    let v = sine * t[j] + (cosine - 1) * bq[j]
                    p[i * n + j] = Float(q[i * n + j] + ai * u + bi * v)
                }
            }
            return p
        }
    }
}
