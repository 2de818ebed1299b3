/// A sparse IronMask codeword: exactly α entries are ±1/√α, all others are zero.
///
/// It is held as sorted indices and sign bits, never as floats, so its canonical encoding (the KDF
/// input) cannot depend on float representation (for example −0.0 versus 0.0).
/// Secret: never log, print or store it.
struct Codeword: Sendable, Equatable {
    /// Vector dimension n.
    let dimension: Int
    /// Support, strictly increasing, each in 0..<dimension.
    private(set) var indices: [Int]
    /// `negative[k]` is true when the entry at `indices[k]` is −1/√α.
    private(set) var negative: [Bool]

    /// Number of non-zero entries α.
    var alpha: Int { indices.count }

    /// Creates a codeword from a support and signs; sorts them by index.
    init(dimension: Int, indices: [Int], negative: [Bool]) {
        precondition(indices.count == negative.count)
        let order = indices.indices.sorted { indices[$0] < indices[$1] }
        self.dimension = dimension
        self.indices = order.map { indices[$0] }
        self.negative = order.map { negative[$0] }
    }

    /// Draws a uniformly random codeword: the support by a partial Fisher–Yates shuffle, the signs by fair coins.
    static func random<R: RandomNumberGenerator>(dimension: Int, alpha: Int, using rng: inout R) -> Codeword {
        var pool = Array(0..<dimension)
        for k in 0..<alpha {
            let j = Int.random(in: k..<dimension, using: &rng)
            pool.swapAt(k, j)
        }
        let support = Array(pool[0..<alpha])
        SignetVault.zeroize(&pool)
        let signs = (0..<alpha).map { _ in Bool.random(using: &rng) }
        return Codeword(dimension: dimension, indices: support, negative: signs)
    }

    /// The dense vector with entries ±1/√α.
    func dense() -> [Double] {
        var v = [Double](repeating: 0, count: dimension)
        let value = 1 / Double(alpha).squareRoot()
        for (k, i) in indices.enumerated() { v[i] = negative[k] ? -value : value }
        return v
    }

    /// Canonical integer encoding used as the KDF password.
    ///
    /// ```
    /// "signet.vault.codeword.v1" (24 ASCII bytes)
    /// u32 LE dimension | u16 LE alpha
    /// alpha × u32 LE index, strictly increasing
    /// ceil(alpha/8) bytes of sign bits, bit k (LSB first) = 1 when entry k is negative
    /// ```
    func canonicalEncoding() -> [UInt8] {
        var out = Array("signet.vault.codeword.v1".utf8)
        out.reserveCapacity(out.count + 6 + 4 * alpha + (alpha + 7) / 8)
        appendLE(UInt32(dimension), to: &out)
        appendLE(UInt16(alpha), to: &out)
        for i in indices { appendLE(UInt32(i), to: &out) }
        var bits = [UInt8](repeating: 0, count: (alpha + 7) / 8)
        for k in 0..<alpha where negative[k] { bits[k / 8] |= 1 << UInt8(k % 8) }
        out += bits
        return out
    }

    /// Clears indices and signs.
    mutating func zeroize() {
        SignetVault.zeroize(&indices)
        SignetVault.zeroize(&negative)
    }
}

func appendLE<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
    var v = value.littleEndian
    withUnsafeBytes(of: &v) { out += $0 }
}
