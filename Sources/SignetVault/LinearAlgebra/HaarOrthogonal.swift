/// Haar-distributed random orthogonal matrices.
///
/// Deliberate: Q is drawn from the injected generator (the system CSPRNG in production) and is
/// never derived from a stored seed; a stored seed would let anyone recompute Q and reduce the
/// template to a bare plane rotation that leaks the codeword and the embedding.
enum HaarOrthogonal {
    /// Returns a row-major n×n orthogonal matrix distributed by the Haar measure: the Q factor of
    /// a Gaussian matrix, with column j multiplied by sign(R_jj) (Mezzadri 2007).
    static func sample<R: RandomNumberGenerator>(dimension n: Int, using rng: inout R) -> [Double] {
        var gaussian = GaussianSampler<R>()
        // a is column-major: a[j * n + i] = A_ij, so each column is contiguous.
        var a = [Double](repeating: 0, count: n * n)
        for k in a.indices { a[k] = gaussian.next(using: &rng) }
        var reflectors = [Double](repeating: 0, count: n * n)  // column k holds v_k (rows k..<n)
        var diagonalSign = [Double](repeating: 1, count: n)
        a.withUnsafeMutableBufferPointer { a in
            reflectors.withUnsafeMutableBufferPointer { v in
                for k in 0..<n {
                    let col = k * n
                    var norm2 = 0.0
                    for i in k..<n { norm2 += a[col + i] * a[col + i] }
                    let norm = norm2.squareRoot()
                    let x0 = a[col + k]
                    // R_kk = −sign(x0)·‖x‖ with v = x − R_kk·e_k (no cancellation).
                    let rkk = x0 >= 0 ? -norm : norm
                    if k == n - 1 || norm == 0 {
                        // No reflection: R_kk is x0 itself.
                        diagonalSign[k] = x0 >= 0 ? 1 : -1
                        continue
                    }
                    diagonalSign[k] = rkk >= 0 ? 1 : -1
                    for i in k..<n { v[col + i] = a[col + i] }
                    v[col + k] -= rkk
                    var vnorm2 = 0.0
                    for i in k..<n { vnorm2 += v[col + i] * v[col + i] }
                    let scale = 1 / vnorm2.squareRoot()
                    for i in k..<n { v[col + i] *= scale }
                    // Apply H_k = I − 2 v vᵀ to the remaining columns of A.
                    for j in (k + 1)..<n {
                        let cj = j * n
                        var dot = 0.0
                        for i in k..<n { dot += v[col + i] * a[cj + i] }
                        dot *= 2
                        for i in k..<n { a[cj + i] -= dot * v[col + i] }
                    }
                }
            }
        }
        // Q = H_0 H_1 … H_{n−2} · D, built column by column (column-major) by applying the
        // reflectors in reverse to D's columns, then transposed to row-major.
        var q = [Double](repeating: 0, count: n * n)
        reflectors.withUnsafeBufferPointer { v in
            q.withUnsafeMutableBufferPointer { q in
                for j in 0..<n { q[j * n + j] = diagonalSign[j] }
                for k in stride(from: n - 2, through: 0, by: -1) {
                    let col = k * n
                    // Columns j < k of the partial product are still e_j·d_j, untouched by H_k.
                    for j in k..<n {
                        let cj = j * n
                        var dot = 0.0
                        for i in k..<n { dot += v[col + i] * q[cj + i] }
                        dot *= 2
                        for i in k..<n { q[cj + i] -= dot * v[col + i] }
                    }
                }
            }
        }
        zeroize(&a)
        zeroize(&reflectors)
        // Transpose in place: column-major Q becomes row-major Q.
        for i in 0..<n {
            for j in (i + 1)..<n where j < n { q.swapAt(i * n + j, j * n + i) }
        }
        return q
    }
}
