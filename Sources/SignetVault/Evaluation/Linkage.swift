/// Linkage functions an attacker can compute from two IronMask templates alone.
///
/// For templates of one person, P₁·t ≈ c₁ and P₂·t′ ≈ c₂ with t ≈ t′, so M = P₂·P₁ᵀ maps the
/// sparse c₁ close to the sparse c₂. Both functions look for that sparse-to-sparse structure.
enum Linkage {
    /// max |M_ij| over M = P₂·P₁ᵀ.
    static func maxEntry(_ p1: [Float], _ p2: [Float], n: Int) -> Double {
        var best = 0.0
        p1.withUnsafeBufferPointer { a in
            p2.withUnsafeBufferPointer { b in
                for i in 0..<n {
                    let rowB = UnsafeBufferPointer(rebasing: b[(i * n)..<((i + 1) * n)])
                    for j in 0..<n {
                        let rowA = UnsafeBufferPointer(rebasing: a[(j * n)..<((j + 1) * n)])
                        best = max(best, Double(abs(MatrixVector.dot(rowB, rowA))))
                    }
                }
            }
        }
        return best
    }

    /// Truncated (sparse) power iteration on M = P₂·P₁ᵀ from several starts: alternately keep the
    /// α largest entries of M·u and of Mᵀ·v; the score is the largest ⟨v, M·u⟩ over α-sparse unit
    /// u, v found. For a mated pair an exact hit scores about cos∠(t, t′); chance pairs score less.
    static func sparsePower(_ p1: [Float], _ p2: [Float], n: Int, alpha: Int, starts: Int = 16, iterations: Int = 12) -> Double {
        sparsePowerSearch(p1, p2, n: n, alpha: alpha, starts: starts, iterations: iterations).score
    }

    /// The sparse power search itself: the best score and the α-sparse u (first template's side)
    /// and v (second template's side) that reach it. When the search succeeds, u decodes to ±c₁
    /// and v to ±c₂: two templates of one person then give away both codewords, hence both keys.
    static func sparsePowerSearch(
        _ p1: [Float], _ p2: [Float], n: Int, alpha: Int, starts: Int = 16, iterations: Int = 12
    ) -> (score: Double, u: [Float], v: [Float]) {
        // M·u = P₂·(P₁ᵀ·u) and Mᵀ·v = P₁·(P₂ᵀ·v): four matrix–vector products per step, no n³ product.
        func multiplyTransposed(_ p: [Float], _ v: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: n)
            for i in 0..<n where v[i] != 0 {
                let vi = v[i]
                for j in 0..<n { out[j] += p[i * n + j] * vi }
            }
            return out
        }
        func multiply(_ p: [Float], _ v: [Float]) -> [Float] {
            var out = [Float](repeating: 0, count: n)
            p.withUnsafeBufferPointer { p in v.withUnsafeBufferPointer { v in out.withUnsafeMutableBufferPointer { o in
                MatrixVector.multiply(p, rows: n, cols: n, v, into: o)
            } } }
            return out
        }
        func truncate(_ v: [Float]) -> [Float] {
            let top = v.withUnsafeBufferPointer { Codeword.topIndices($0, count: alpha) }
            var out = [Float](repeating: 0, count: n)
            var norm: Float = 0
            for i in top { out[i] = v[i]; norm += v[i] * v[i] }
            norm = norm.squareRoot()
            if norm > 0 { for i in top { out[i] /= norm } }
            return out
        }
        // Starts: the columns of P₁ᵀ-space whose image under M is most concentrated.
        var columnScores: [(Int, Float)] = []
        for j in 0..<n {
            var e = [Float](repeating: 0, count: n)
            e[j] = 1
            let image = multiply(p2, multiplyTransposed(p1, e))
            let top = image.withUnsafeBufferPointer { Codeword.topIndices($0, count: alpha) }
            columnScores.append((j, top.reduce(0) { $0 + image[$1] * image[$1] }))
        }
        columnScores.sort { $0.1 > $1.1 }
        var best = (score: 0.0, u: [Float](), v: [Float]())
        for (j, _) in columnScores.prefix(starts) {
            var u = [Float](repeating: 0, count: n)
            u[j] = 1
            var score = 0.0
            var v = u
            for _ in 0..<iterations {
                v = truncate(multiply(p2, multiplyTransposed(p1, u)))
                u = truncate(multiply(p1, multiplyTransposed(p2, v)))
                let mu = multiply(p2, multiplyTransposed(p1, u))
                score = Double(abs(zip(v, mu).reduce(Float(0)) { $0 + $1.0 * $1.1 }))
            }
            if score > best.score { best = (score, u, v) }
        }
        return best
    }
}
