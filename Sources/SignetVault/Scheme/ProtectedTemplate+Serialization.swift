import Crypto
import SignetCore

extension ProtectedTemplate {
    /// The versioned binary form, with a SHA-256 integrity trailer.
    ///
    /// All integers are little-endian:
    /// ```
    /// off  len  field
    ///   0    4  magic "SGVT"
    ///   4    2  format version (1)
    ///   6    1  scheme (1 = IronMask)
    ///   7    1  helper encoding (1 = float32, 2 = float16)
    ///   8    4  dimension n
    ///  12    2  alpha
    ///  14    1  scrypt log2 N
    ///  15    1  reserved, 0
    ///  16    4  scrypt r
    ///  20    4  scrypt p
    ///  24   32  salt
    ///  56   32  Ed25519 public key
    ///  88   32  preprocessor fingerprint
    /// 120  n·n·w helper P, row-major (w = 4 or 2)
    /// end   32  SHA-256 of every preceding byte
    /// ```
    /// The trailer detects corruption and truncation; it is not a MAC, so tampering by someone who
    /// can write the store is out of its scope (the ledger records enrollments for that).
    /// - Returns: The bytes.
    public func serializedBytes() -> [UInt8] {
        var out = Array("SGVT".utf8)
        out.reserveCapacity(serializedByteCount)
        appendLE(Self.currentFormatVersion, to: &out)
        out.append(Self.ironMaskSchemeID)
        out.append(helperEncoding.rawValue)
        appendLE(UInt32(dimension), to: &out)
        appendLE(UInt16(alpha), to: &out)
        out.append(kdf.log2N)
        out.append(0)
        appendLE(kdf.r, to: &out)
        appendLE(kdf.p, to: &out)
        out += salt
        out += publicKey
        out += preprocessorFingerprint
        switch helperEncoding {
        case .float32: for v in helper32 { appendLE(v.bitPattern, to: &out) }
        case .float16: for h in helper16 { appendLE(h, to: &out) }
        }
        out += SHA256.hash(data: out)
        return out
    }

    /// Parses and checks a serialized template.
    /// - Parameter bytes: Untrusted bytes from storage.
    /// - Throws: ``VaultError`` `truncatedTemplate`, `corruptTemplate` or `unsupportedVersion`; never traps.
    public init(serializedBytes bytes: [UInt8]) throws {
        guard bytes.count >= Self.headerByteCount + 32 else {
            throw VaultError(.truncatedTemplate, "template is shorter than its header")
        }
        guard bytes[0..<4].elementsEqual("SGVT".utf8) else { throw VaultError(.corruptTemplate, "not a Signet template") }
        let version = readLE(UInt16.self, bytes, at: 4)
        guard version == Self.currentFormatVersion else {
            throw VaultError(.unsupportedVersion, "template format version \(version) is not supported (expected \(Self.currentFormatVersion))")
        }
        let n = Int(readLE(UInt32.self, bytes, at: 8))
        let encodingByte = bytes[7]
        let width = encodingByte == HelperEncoding.float16.rawValue ? 2 : 4
        // Length before integrity: a truncated blob is reported as truncated, not corrupt.
        if n >= 1, n <= Self.maximumDimension {
            let expected = Self.headerByteCount + n * n * width + 32
            if bytes.count < expected { throw VaultError(.truncatedTemplate, "template is shorter than its header says") }
            guard bytes.count == expected else { throw VaultError(.corruptTemplate, "template has trailing bytes") }
        }
        let body = bytes[0..<(bytes.count - 32)]
        guard SHA256.hash(data: body).elementsEqual(bytes[(bytes.count - 32)...]) else {
            throw VaultError(.corruptTemplate, "template integrity check failed")
        }
        guard bytes[6] == Self.ironMaskSchemeID else { throw VaultError(.unsupportedVersion, "unknown template scheme \(bytes[6])") }
        guard let encoding = HelperEncoding(rawValue: encodingByte) else {
            throw VaultError(.unsupportedVersion, "unknown helper encoding \(encodingByte)")
        }
        guard (1...Self.maximumDimension).contains(n) else { throw VaultError(.corruptTemplate, "template dimension out of range") }
        let alpha = Int(readLE(UInt16.self, bytes, at: 12))
        guard (1...n).contains(alpha), bytes[15] == 0 else { throw VaultError(.corruptTemplate, "template parameters out of range") }
        let kdf: KDFParameters
        do {
            kdf = try KDFParameters(log2N: bytes[14], r: readLE(UInt32.self, bytes, at: 16), p: readLE(UInt32.self, bytes, at: 20))
        } catch {
            throw VaultError(.corruptTemplate, "template KDF parameters out of range")
        }
        // An orthogonal matrix has entries in [−1, 1]; anything else is corruption.
        func check(_ value: Float) throws {
            guard value.isFinite, abs(value) <= 1.001 else { throw VaultError(.corruptTemplate, "template helper data out of range") }
        }
        let salt = Array(bytes[24..<56]), publicKey = Array(bytes[56..<88]), fingerprint = Array(bytes[88..<120])
        if encoding == .float16 {
            var half = [UInt16](repeating: 0, count: n * n)
            for k in 0..<(n * n) {
                half[k] = readLE(UInt16.self, bytes, at: Self.headerByteCount + 2 * k)
                try check(Float(Float16(bitPattern: half[k])))
            }
            self.init(dimension: n, alpha: alpha, kdf: kdf, salt: salt, publicKey: publicKey, preprocessorFingerprint: fingerprint, halfHelper: half)
            return
        }
        var helper = [Float](repeating: 0, count: n * n)
        for k in 0..<(n * n) {
            helper[k] = Float(bitPattern: readLE(UInt32.self, bytes, at: Self.headerByteCount + 4 * k))
            try check(helper[k])
        }
        self.init(
            dimension: n, alpha: alpha, kdf: kdf, salt: salt, publicKey: publicKey,
            preprocessorFingerprint: fingerprint, helperEncoding: .float32, helper: helper
        )
    }

    static let ironMaskSchemeID: UInt8 = 1
}

func readLE<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], at offset: Int) -> T {
    var value: T = 0
    for k in 0..<MemoryLayout<T>.size { value |= T(truncatingIfNeeded: bytes[offset + k]) << (8 * k) }
    return value
}
