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

    /// Widens the binary16 values packed in the low (even element) and high (odd element) halves
    /// of eight 32-bit lanes, using only 32-bit integer SIMD, which every x86-64 and ARM64 CPU has.
    @inlinable @inline(__always)
    static func widenPairs(_ w: SIMD8<UInt32>) -> (even: SIMD8<Float>, odd: SIMD8<Float>) {
        let evenMagnitude = unsafeBitCast((w & 0x7FFF) &<< 13, to: SIMD8<Float>.self) * 0x1p112
        let oddMagnitude = unsafeBitCast((w &>> 3) & 0x0FFF_E000, to: SIMD8<Float>.self) * 0x1p112
        let even = unsafeBitCast(unsafeBitCast(evenMagnitude, to: SIMD8<UInt32>.self) | ((w & 0x8000) &<< 16), to: SIMD8<Float>.self)
        let odd = unsafeBitCast(unsafeBitCast(oddMagnitude, to: SIMD8<UInt32>.self) | (w & 0x8000_0000), to: SIMD8<Float>.self)
        return (even, odd)
    }

    /// y = M·x for a row-major rows×cols matrix of binary16 bit patterns (little-endian), two rows
    /// at a time. Sixteen halves are loaded as eight 32-bit lanes and multiplied with x split into
    /// its even and odd elements, so no lane shuffles are needed.
    @inlinable
    static func multiplyHalf(
        _ m: UnsafeBufferPointer<UInt16>, rows: Int, cols: Int,
        _ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>
    ) {
        guard let mBase = m.baseAddress, let xBase = x.baseAddress else { return }
        let mRaw = UnsafeRawPointer(mBase)
        let vectorCols = cols & ~15
        func scalar(_ k: Int) -> Float { widen(SIMD8<UInt16>(mBase[k], 0, 0, 0, 0, 0, 0, 0))[0] }
        withUnsafeTemporaryAllocation(of: SIMD8<Float>.self, capacity: max(1, vectorCols / 8)) { split in
            // split[2b] = x[16b + 0, 2, …, 14], split[2b + 1] = x[16b + 1, 3, …, 15]
            for b in 0..<(vectorCols / 16) {
                var even = SIMD8<Float>(), odd = SIMD8<Float>()
                for k in 0..<8 {
                    even[k] = xBase[16 * b + 2 * k]
                    odd[k] = xBase[16 * b + 2 * k + 1]
                }
                split[2 * b] = even
                split[2 * b + 1] = odd
            }
            var row = 0
            while row + 2 <= rows {
                var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
                let r0 = row * cols, r1 = r0 + cols
                var j = 0, b = 0
                while j < vectorCols {
                    let xe = split[2 * b], xo = split[2 * b + 1]
                    let w0 = widenPairs(mRaw.loadUnaligned(fromByteOffset: (r0 + j) * 2, as: SIMD8<UInt32>.self))
                    let w1 = widenPairs(mRaw.loadUnaligned(fromByteOffset: (r1 + j) * 2, as: SIMD8<UInt32>.self))
                    s0 += w0.even * xe + w0.odd * xo
                    s1 += w1.even * xe + w1.odd * xo
                    j += 16
                    b += 1
                }
                var d0 = s0.sum(), d1 = s1.sum()
                while j < cols {
                    d0 += scalar(r0 + j) * xBase[j]
                    d1 += scalar(r1 + j) * xBase[j]
                    j += 1
                }
                y[row] = d0
                y[row + 1] = d1
                row += 2
            }
            while row < rows {
                var d: Float = 0
                for j in 0..<cols { d += scalar(row * cols + j) * xBase[j] }
                y[row] = d
                row += 1
            }
        }
    }
}
