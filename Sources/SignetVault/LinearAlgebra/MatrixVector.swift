/// Dense row-major matrix–vector products in pure Swift SIMD.
enum MatrixVector {
    /// y = M·x for a row-major rows×cols Float32 matrix, four rows at a time with 8-wide SIMD.
    @inlinable
    static func multiply(
        _ m: UnsafeBufferPointer<Float>, rows: Int, cols: Int,
        _ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>
    ) {
        guard let mBase = m.baseAddress, let xBase = x.baseAddress else { return }
        let mRaw = UnsafeRawPointer(mBase)
        let xRaw = UnsafeRawPointer(xBase)
        let stride = MemoryLayout<Float>.stride
        let vectorCols = cols & ~15
        var row = 0
        while row + 4 <= rows {
            var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
            var t0 = SIMD8<Float>(), t1 = SIMD8<Float>(), t2 = SIMD8<Float>(), t3 = SIMD8<Float>()
            let r0 = row * cols, r1 = r0 + cols, r2 = r1 + cols, r3 = r2 + cols
            var j = 0
            while j < vectorCols {
                let xa = xRaw.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<Float>.self)
                let xb = xRaw.loadUnaligned(fromByteOffset: (j + 8) * stride, as: SIMD8<Float>.self)
                s0 += mRaw.loadUnaligned(fromByteOffset: (r0 + j) * stride, as: SIMD8<Float>.self) * xa
                s1 += mRaw.loadUnaligned(fromByteOffset: (r1 + j) * stride, as: SIMD8<Float>.self) * xa
                s2 += mRaw.loadUnaligned(fromByteOffset: (r2 + j) * stride, as: SIMD8<Float>.self) * xa
                s3 += mRaw.loadUnaligned(fromByteOffset: (r3 + j) * stride, as: SIMD8<Float>.self) * xa
                t0 += mRaw.loadUnaligned(fromByteOffset: (r0 + j + 8) * stride, as: SIMD8<Float>.self) * xb
                t1 += mRaw.loadUnaligned(fromByteOffset: (r1 + j + 8) * stride, as: SIMD8<Float>.self) * xb
                t2 += mRaw.loadUnaligned(fromByteOffset: (r2 + j + 8) * stride, as: SIMD8<Float>.self) * xb
                t3 += mRaw.loadUnaligned(fromByteOffset: (r3 + j + 8) * stride, as: SIMD8<Float>.self) * xb
                j += 16
            }
            var d0 = (s0 + t0).sum(), d1 = (s1 + t1).sum(), d2 = (s2 + t2).sum(), d3 = (s3 + t3).sum()
            while j < cols {
                let xj = xBase[j]
                d0 += mBase[r0 + j] * xj
                d1 += mBase[r1 + j] * xj
                d2 += mBase[r2 + j] * xj
                d3 += mBase[r3 + j] * xj
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
            for j in 0..<cols { d += mBase[row * cols + j] * xBase[j] }
            y[row] = d
            row += 1
        }
    }

    /// Dot product of two equal-length Float32 buffers with 8-wide SIMD.
    @inlinable
    static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        guard let aBase = a.baseAddress, let bBase = b.baseAddress else { return 0 }
        let n = min(a.count, b.count)
        let aRaw = UnsafeRawPointer(aBase), bRaw = UnsafeRawPointer(bBase)
        let stride = MemoryLayout<Float>.stride
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>()
        var j = 0
        while j + 16 <= n {
            s0 += aRaw.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<Float>.self)
                * bRaw.loadUnaligned(fromByteOffset: j * stride, as: SIMD8<Float>.self)
            s1 += aRaw.loadUnaligned(fromByteOffset: (j + 8) * stride, as: SIMD8<Float>.self)
                * bRaw.loadUnaligned(fromByteOffset: (j + 8) * stride, as: SIMD8<Float>.self)
            j += 16
        }
        var d = (s0 + s1).sum()
        while j < n {
            d += aBase[j] * bBase[j]
            j += 1
        }
        return d
    }
}
