import Crypto
import Testing
@testable import SignetVault
import SignetCore

struct SerializationTests {
    static func template(_ encoding: HelperEncoding = .float32) throws -> (IronMask, ProtectedTemplate, [Float]) {
        var rng = DeterministicGenerator(seed: 5)
        var synthetic = Synthetic(seed: 6)
        let scheme = try testScheme(dimension: 16, alpha: 3, encoding: encoding)
        let x = synthetic.unit(16)
        return (scheme, try scheme.enroll(samples: [x], using: &rng), x)
    }

    @Test(arguments: HelperEncoding.allCases)
    func roundTripPreservesEverything(encoding: HelperEncoding) throws {
        let (scheme, t, x) = try Self.template(encoding)
        let bytes = t.serializedBytes()
        #expect(bytes.count == t.serializedByteCount)
        #expect(bytes.count == 120 + 16 * 16 * encoding.byteWidth + 32)
        let back = try ProtectedTemplate(serializedBytes: bytes)
        #expect(back.serializedBytes() == bytes)
        #expect(back.helper == t.helper)
        #expect(back.kdf == t.kdf && back.alpha == 3 && back.dimension == 16 && back.helperEncoding == encoding)
        #expect(try scheme.verify(probe: x, against: back) == .accepted)
    }

    @Test func truncationAtAnyLengthIsDetected() throws {
        let bytes = try Self.template().1.serializedBytes()
        for length in [0, 1, 4, 60, 119, 120, 121, bytes.count / 2, bytes.count - 33, bytes.count - 32, bytes.count - 1] {
            #expect(throws: VaultError.self) { try ProtectedTemplate(serializedBytes: Array(bytes[0..<length])) }
            do {
                _ = try ProtectedTemplate(serializedBytes: Array(bytes[0..<length]))
            } catch let e as VaultError {
                #expect(e.code == .truncatedTemplate || e.code == .corruptTemplate)
            }
        }
        #expect(throws: VaultError(.corruptTemplate, "")) { try ProtectedTemplate(serializedBytes: bytes + [0]) }
    }

    @Test func everySingleBitFlipIsDetected() throws {
        let bytes = try Self.template().1.serializedBytes()
        for offset in stride(from: 0, to: bytes.count, by: 7) {
            var corrupted = bytes
            corrupted[offset] ^= 0x10
            #expect(throws: VaultError.self) { try ProtectedTemplate(serializedBytes: corrupted) }
        }
    }

    /// A well-formed template (valid checksum) whose fields are still nonsense must be refused, not trusted.
    @Test(arguments: [(8, UInt8(0)), (12, UInt8(0)), (12, UInt8(200)), (14, UInt8(0)), (15, UInt8(1)), (120, UInt8(0x7F))])
    func inconsistentFieldsWithValidChecksumAreRefused(offset: Int, value: UInt8) throws {
        var bytes = try Self.template().1.serializedBytes()
        bytes.removeLast(32)
        bytes[offset] = value
        if offset == 120 { bytes[123] = 0x7F }  // NaN in the helper
        bytes += SHA256.hash(data: bytes)
        #expect(throws: VaultError.self) { try ProtectedTemplate(serializedBytes: bytes) }
    }

    @Test(arguments: [UInt16(0), 2, 0xFFFF])
    func versionMismatchIsReported(version: UInt16) throws {
        var bytes = try Self.template().1.serializedBytes()
        bytes.removeLast(32)
        bytes[4] = UInt8(version & 0xFF)
        bytes[5] = UInt8(version >> 8)
        bytes += SHA256.hash(data: bytes)
        #expect(throws: VaultError(.unsupportedVersion, "")) { try ProtectedTemplate(serializedBytes: bytes) }
    }

    @Test func randomGarbageNeverCrashes() {
        var rng = DeterministicGenerator(seed: 9)
        for length in [0, 3, 100, 152, 1_176, 5_000] {
            let garbage = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            #expect(throws: VaultError.self) { try ProtectedTemplate(serializedBytes: garbage) }
            var withMagic = garbage
            if length >= 4 { withMagic.replaceSubrange(0..<4, with: Array("SGVT".utf8)) }
            #expect(throws: VaultError.self) { try ProtectedTemplate(serializedBytes: withMagic) }
        }
    }

    @Test func float16HalvesTheHelperStorage() throws {
        let f32 = try Self.template(.float32).1, f16 = try Self.template(.float16).1
        #expect(f32.serializedByteCount - f16.serializedByteCount == 16 * 16 * 2)
    }
}
