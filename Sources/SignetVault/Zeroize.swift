/// Overwrites a buffer with zeros before it is released.
///
/// Best effort: Swift arrays may have been copied or reallocated earlier, so this narrows, but does
/// not close, the window in which secrets sit in memory.
/// - Parameter buffer: The buffer to clear.
@inline(never)
func zeroize<T: BinaryFloatingPoint>(_ buffer: inout [T]) {
    buffer.withUnsafeMutableBytes { raw in
        for i in raw.indices { raw[i] = 0 }
    }
}

@inline(never)
func zeroize<T: FixedWidthInteger>(_ buffer: inout [T]) {
    buffer.withUnsafeMutableBytes { raw in
        for i in raw.indices { raw[i] = 0 }
    }
}

@inline(never)
func zeroize(_ buffer: inout [Bool]) {
    for i in buffer.indices { buffer[i] = false }
}
