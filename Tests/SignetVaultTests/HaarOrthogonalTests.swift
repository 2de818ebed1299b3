import Testing
@testable import SignetVault

struct HaarOrthogonalTests {
    @Test(arguments: [1, 2, 7, 64])
    func sampleIsOrthogonal(n: Int) {
        var rng = DeterministicGenerator(seed: UInt64(n))
        let q = HaarOrthogonal.sample(dimension: n, using: &rng)
        var worst = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let d = (0..<n).reduce(0.0) { $0 + q[i * n + $1] * q[j * n + $1] }
                worst = max(worst, abs(d - (i == j ? 1 : 0)))
            }
        }
        #expect(worst < 1e-10)
    }

    /// Without the sign correction the Q factor of a Gaussian matrix is not Haar: Q₁₁ = −|x₁|/‖x‖ is
    /// always negative. With it, every entry has mean zero.
    @Test func signCorrectionMakesEntriesCentred() {
        var rng = DeterministicGenerator(seed: 5)
        var sum = 0.0
        let draws = 2_000
        for _ in 0..<draws { sum += HaarOrthogonal.sample(dimension: 4, using: &rng)[0] }
        // Entry variance is 1/4, so the mean of 2000 draws has standard deviation about 0.011.
        #expect(abs(sum / Double(draws)) < 0.05)
    }

    @Test func sameSeedSameMatrixDifferentSeedDifferentMatrix() {
        var a = DeterministicGenerator(seed: 1), b = DeterministicGenerator(seed: 1), c = DeterministicGenerator(seed: 2)
        let qa = HaarOrthogonal.sample(dimension: 8, using: &a)
        #expect(qa == HaarOrthogonal.sample(dimension: 8, using: &b))
        #expect(qa != HaarOrthogonal.sample(dimension: 8, using: &c))
    }

    @Test func simdMatrixVectorProductMatchesScalar() {
        var synthetic = Synthetic(seed: 8)
        for (rows, cols) in [(4, 16), (5, 19), (1, 3), (12, 33)] {
            let m = synthetic.vector(rows * cols), x = synthetic.vector(cols)
            var y = [Float](repeating: 0, count: rows)
            m.withUnsafeBufferPointer { m in x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in
                MatrixVector.multiply(m, rows: rows, cols: cols, x, into: y)
            } } }
            for i in 0..<rows {
                let expected = (0..<cols).reduce(Float(0)) { $0 + m[i * cols + $1] * x[$1] }
                #expect(abs(y[i] - expected) < 1e-4)
            }
        }
    }
}

struct HalfPrecisionTests {
    /// Every finite binary16 value converts exactly as the standard library converts it.
    @Test func simdWideningMatchesTheStandardLibraryForEveryFiniteHalf() {
        var mismatches = 0
        for base in stride(from: 0, to: 65_536, by: 8) {
            let bits = SIMD8<UInt16>((0..<8).map { UInt16(base + $0) })
            let wide = MatrixVector.widen(bits)
            for k in 0..<8 {
                let reference = Float(Float16(bitPattern: bits[k]))
                if reference.isFinite, wide[k].bitPattern != reference.bitPattern { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func halfMatrixVectorProductMatchesFloat32OfTheRoundedMatrix() {
        var synthetic = Synthetic(seed: 12)
        for (rows, cols) in [(4, 16), (7, 21), (128, 128)] {
            let m = synthetic.vector(rows * cols).map { $0 / 4 }, x = synthetic.vector(cols)
            let half = m.map { Float16($0).bitPattern }
            let rounded = half.map { Float(Float16(bitPattern: $0)) }
            var y = [Float](repeating: 0, count: rows), z = y
            half.withUnsafeBufferPointer { h in x.withUnsafeBufferPointer { x in y.withUnsafeMutableBufferPointer { y in
                MatrixVector.multiplyHalf(h, rows: rows, cols: cols, x, into: y)
            } } }
            rounded.withUnsafeBufferPointer { r in x.withUnsafeBufferPointer { x in z.withUnsafeMutableBufferPointer { z in
                MatrixVector.multiply(r, rows: rows, cols: cols, x, into: z)
            } } }
            #expect(zip(y, z).allSatisfy { abs($0 - $1) < 1e-3 })
        }
    }
}
