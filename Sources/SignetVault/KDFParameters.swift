import SignetCore

/// Cost settings of the memory-hard KDF (scrypt, RFC 7914) that turns a codeword into a signing seed.
///
/// This is a security setting: it is the price of each offline guess at a codeword. Tests inject
/// cheap values; deployments use ``production`` or stronger.
public struct KDFParameters: Sendable, Hashable, Codable {
    /// log2 of the scrypt CPU/memory cost N.
    public let log2N: UInt8
    /// scrypt block size r.
    public let r: UInt32
    /// scrypt parallelism p.
    public let p: UInt32

    /// scrypt N = 2^15, r = 8, p = 1 (32 MiB per guess).
    public static let production = KDFParameters(uncheckedLog2N: 15, r: 8, p: 1)
    /// scrypt N = 2^4, r = 1, p = 1: fast, for tests and accuracy sweeps only.
    public static let insecureTesting = KDFParameters(uncheckedLog2N: 4, r: 1, p: 1)

    /// Creates validated parameters.
    /// - Parameters:
    ///   - log2N: 1...30.
    ///   - r: 1...1024.
    ///   - p: 1...16.
    /// - Throws: ``VaultError`` with code `invalidParameter` when a value is out of range.
    public init(log2N: UInt8, r: UInt32, p: UInt32) throws {
        guard (1...30).contains(log2N), (1...1024).contains(r), (1...16).contains(p) else {
            throw VaultError(.invalidParameter, "scrypt parameters out of range (log2N 1...30, r 1...1024, p 1...16)")
        }
        self.init(uncheckedLog2N: log2N, r: r, p: p)
    }

    init(uncheckedLog2N: UInt8, r: UInt32, p: UInt32) {
        self.log2N = uncheckedLog2N
        self.r = r
        self.p = p
    }

    /// scrypt N.
    public var n: Int { 1 << Int(log2N) }

    /// Bytes of memory one derivation needs (128 · r · N).
    public var memoryBytes: Int { 128 * Int(r) * n }

    /// Human form, e.g. `scrypt N=2^15 r=8 p=1`.
    public var summary: String { "scrypt N=2^\(log2N) r=\(r) p=\(p)" }
}
