import Crypto
import _CryptoExtras
import SignetCore

/// Binds a codeword to an Ed25519 key: seed = scrypt(canonical(c), salt), 32 bytes.
enum CodewordKey {
    /// Derives the signing key for a codeword. The seed lives in a `SymmetricKey`, whose storage
    /// swift-crypto zeroes when it is released.
    static func signingKey(for codeword: Codeword, salt: [UInt8], kdf: KDFParameters) throws -> Curve25519.Signing.PrivateKey {
        var password = codeword.canonicalEncoding()
        defer { zeroize(&password) }
        let seed: SymmetricKey
        do {
            seed = try KDF.Scrypt.deriveKey(
                from: password, salt: salt, outputByteCount: 32,
                rounds: kdf.n, blockSize: Int(kdf.r), parallelism: Int(kdf.p),
                maxMemory: kdf.memoryBytes * Int(kdf.p) + (1 << 20)
            )
        } catch {
            throw VaultError(.keyDerivationFailure, "scrypt failed")
        }
        do {
            return try seed.withUnsafeBytes { try Curve25519.Signing.PrivateKey(rawRepresentation: $0) }
        } catch {
            throw VaultError(.keyDerivationFailure, "could not build the signing key")
        }
    }

    /// The raw public key for a codeword.
    static func publicKey(for codeword: Codeword, salt: [UInt8], kdf: KDFParameters) throws -> [UInt8] {
        Array(try signingKey(for: codeword, salt: salt, kdf: kdf).publicKey.rawRepresentation)
    }
}

/// Compares two byte strings in time that depends only on their lengths.
func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<a.count { difference |= a[i] ^ b[i] }
    return difference == 0
}

/// The holder's key, unlocked on their device by a matching probe; it only signs challenges.
///
/// Secret: no description, not Codable, not Equatable.
public struct TemplateSigningKey: Sendable {
    private let key: Curve25519.Signing.PrivateKey

    init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    /// Signs a server challenge.
    /// - Parameter challenge: Bytes chosen by the verifier (fresh per attempt).
    /// - Returns: An Ed25519 signature.
    /// - Throws: A swift-crypto error if signing fails.
    public func sign(challenge: [UInt8]) throws -> [UInt8] {
        Array(try key.signature(for: challenge))
    }

    /// The raw public key, equal to the template's ``ProtectedTemplate/publicKey``.
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }
}
