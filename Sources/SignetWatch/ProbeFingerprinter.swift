public import Crypto
import Foundation
import Synchronization

/// A keyed locality-sensitive fingerprint of a probe: what the watch keeps instead of the probe.
///
/// Sign-random-projection hashing (SimHash): bit *i* is the sign of the probe's dot product with
/// the *i*-th ±1 row of a projection derived from a server key with HMAC-SHA256. Two probes at
/// angle θ differ in about `bits · θ/π` bits, so a bit-identical copy differs in none and a
/// slightly perturbed copy in a few, while two genuine samples of one face (tens of degrees
/// apart once centred) differ in dozens. Without the key nobody can tell which probe a
/// fingerprint came from, or craft one to collide.
///
/// Give it probes as the vault prepares them (centred by the profile's population mean, unit
/// length): raw face embeddings sit in a narrow cone where everyone looks alike.
public final class ProbeFingerprinter: Sendable {
    /// Bits in a fingerprint.
    public static let bits = 256
    private let key: SymmetricKey
    /// Projection rows by dimension, made once.
    private let projections = Mutex<[Int: [Float]]>([:])

    /// Creates a fingerprinter under `key` (32 random bytes kept by the server).
    public init(key: SymmetricKey) {
        self.key = key
    }

    /// The 32-byte fingerprint of `probe`.
    public func fingerprint(_ probe: [Float]) -> [UInt8] {
        let rows = projection(dimension: probe.count)
        var out = [UInt8](repeating: 0, count: Self.bits / 8)
        rows.withUnsafeBufferPointer { rows in
            probe.withUnsafeBufferPointer { probe in
                for bit in 0..<Self.bits {
                    var sum: Float = 0
                    let row = bit * probe.count
                    for i in 0..<probe.count { sum += rows[row + i] * probe[i] }
                    if sum >= 0 { out[bit / 8] |= 1 << UInt8(bit % 8) }
                }
            }
        }
        return out
    }

    /// Bits in which two fingerprints differ.
    public static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
        guard a.count == b.count else { return Int.max }
        var total = 0
        for i in a.indices { total += (a[i] ^ b[i]).nonzeroBitCount }
        return total
    }

    /// `bits × dimension` signs as ±1, row after row, from HMAC-SHA256(key, dimension ‖ block).
    private func projection(dimension: Int) -> [Float] {
        if let rows = projections.withLock({ $0[dimension] }) { return rows }
        var rows = [Float]()
        rows.reserveCapacity(Self.bits * dimension)
        var block: UInt32 = 0
        while rows.count < Self.bits * dimension {
            var message = Array("signet-probe-fingerprint-v1".utf8)
            withUnsafeBytes(of: UInt32(dimension).bigEndian) { message += $0 }
            withUnsafeBytes(of: block.bigEndian) { message += $0 }
            for byte in HMAC<SHA256>.authenticationCode(for: message, using: key) {
                for bit in 0..<8 where rows.count < Self.bits * dimension {
                    rows.append(byte & (1 << UInt8(bit)) == 0 ? -1 : 1)
                }
            }
            block += 1
        }
        projections.withLock { $0[dimension] = rows }
        return rows
    }
}
