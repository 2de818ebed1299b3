import Crypto
import Synchronization

/// Where Signet's random bytes come from: ids, nonces, salts, tokens.
///
/// Production code uses ``SystemRandomBytes``; tests inject ``SeededRandomBytes`` so every run
/// makes the same ids and the same ledger entries.
public protocol RandomBytesGenerator: Sendable {
    /// `count` fresh random bytes.
    func bytes(_ count: Int) -> [UInt8]
}

/// The operating system's CSPRNG.
public struct SystemRandomBytes: RandomBytesGenerator {
    /// Creates the generator.
    public init() {}

    public func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        var out = [UInt8](repeating: 0, count: count)
        var index = 0
        while index < count {
            var word = generator.next()
            for _ in 0..<min(8, count - index) {
                out[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        return out
    }
}

/// A reproducible stream: block `i` is `SHA-256(seed || i)` (big-endian `i`).
///
/// - Warning: For tests and reproducible demos only. Anyone who knows the seed knows every
///   byte; never use it for a deployment's ids, tokens or salts.
public final class SeededRandomBytes: RandomBytesGenerator {
    private let seed: [UInt8]
    /// Next block number and the unused bytes of the last block.
    private let state = Mutex<(counter: UInt64, buffer: [UInt8])>((0, []))

    /// Creates a stream from a seed; equal seeds give equal streams.
    public init(seed: [UInt8]) {
        self.seed = seed
    }

    public func bytes(_ count: Int) -> [UInt8] {
        state.withLock { state in
            while state.buffer.count < count {
                var hasher = SHA256()
                hasher.update(data: seed)
                withUnsafeBytes(of: state.counter.bigEndian) { hasher.update(bufferPointer: $0) }
                state.buffer += Array(hasher.finalize())
                state.counter += 1
            }
            defer { state.buffer.removeFirst(count) }
            return Array(state.buffer.prefix(count))
        }
    }
}

/// `count` bytes from the system CSPRNG.
public func randomBytes(_ count: Int) -> [UInt8] {
    SystemRandomBytes().bytes(count)
}
