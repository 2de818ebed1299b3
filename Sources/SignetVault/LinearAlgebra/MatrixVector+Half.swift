extension MatrixVector {
    /// Converts eight IEEE binary16 bit patterns to Float32 with integer SIMD and one multiply, so
    /// it needs no F16C instructions: the exponent and mantissa are moved into binary32 position and
    /// rescaled by 2^112, which also handles subnormals exactly. Infinities and NaNs are not
    /// expected (stored helpers are validated to lie in [−1, 1]).
    @inlinable @inline(__always)
    static func widen(_ h: SIMD8<UInt16>) -> SIMD8<Float> {
        let w = SIMD8<UInt32>(truncatingIfNeeded: h)
        let magnitude = unsafeBitCast((w & 0x7FFF) &<< 13, to: SIMD8<Float>.self) * 0x1p112
        return unsafeBitCast(unsafeBitCast(magnitude, to: SIMD8<UInt32>.self) | ((w & 0x8000) &<< 16), to: SIMD8<Float>.self)
    }

    /// y = M·x for a row-major rows×cols matrix of binary16 bit patterns, four rows at a time.
    @inlinable
    static func multiplyHalf(
        _ m: UnsafeBufferPointer<UInt16>, rows: Int, cols: Int,
        _ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>
    ) {
        guard let mBase = m.baseAddress, let xBase = x.baseAddress else { return }
        let mRaw = UnsafeRawPointer(mBase)
        let xRaw = UnsafeRawPointer(xBase)
        let vectorCols = cols & ~7
        func scalar(_ k: Int) -> Float { widen(SIMD8<UInt16>(mBase[k], 0, 0, 0, 0, 0, 0, 0))[0] }
        var row = 0
        while row + 4 <= rows {
            var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
            let r0 = row * cols, r1 = r0 + cols, r2 = r1 + cols, r3 = r2 + cols
            var j = 0
            while j < vectorCols {
                let xa = xRaw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
                s0 += widen(mRaw.loadUnaligned(fromByteOffset: (r0 + j) * 2, as: SIMD8<UInt16>.self)) * xa
                s1 += widen(mRaw.loadUnaligned(fromByteOffset: (r1 + j) * 2, as: SIMD8<UInt16>.self)) * xa
                s2 += widen(mRaw.loadUnaligned(fromByteOffset: (r2 + j) * 2, as: SIMD8<UInt16>.self)) * xa
                s3 += widen(mRaw.loadUnaligned(fromByteOffset: (r3 + j) * 2, as: SIMD8<UInt16>.self)) * xa
                j += 8
            }
            var d0 = s0.sum(), d1 = s1.sum(), d2 = s2.sum(), d3 = s3.sum()
            while j < cols {
                let xj = xBase[j]
                d0 += scalar(r0 + j) * xj
                d1 += scalar(r1 + j) * xj
                d2 += scalar(r2 + j) * xj
                d3 += scalar(r3 + j) * xj
                j += 1
            }
            y[row] = d0
            y[row + 1] = d1
            y[row + 2] = d2
            y[row + 3] = d3
            row += 4
        }
        while row < rows {
            var d: Float = 0
            for j in 0..<cols { d += scalar(row * cols + j) * xBase[j] }
            y[row] = d
            row += 1
        }
    }
}
