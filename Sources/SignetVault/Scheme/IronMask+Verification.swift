import Crypto
import SignetCore

extension IronMask {
    /// Server-side check: decode the probe and compare the derived public key in constant time.
    /// - Parameters:
    ///   - probe: A raw embedding.
    ///   - template: The stored template.
    /// - Returns: ``VerificationResult/accepted`` when a decoded codeword reproduces the public key.
    /// - Throws: ``VaultError`` for bad input, a template from another deployment, or a KDF failure.
    public func verify(probe: [Float], against template: ProtectedTemplate) throws -> VerificationResult {
        var candidates = try decodeCandidates(probe: probe, template: template)
        defer { for k in candidates.indices { candidates[k].zeroize() } }
        var matched = false
        // Deliberate: every candidate is derived even after a match, so timing does not reveal which one matched.
        for candidate in candidates {
            let key = try CodewordKey.publicKey(for: candidate, salt: template.salt, kdf: template.kdf)
            matched = constantTimeEquals(key, template.publicKey) || matched
        }
        return matched ? .accepted : .rejected
    }

    /// Device-side unlock: decode the probe and return the signing key if it matches the template.
    /// - Parameters:
    ///   - probe: A raw embedding captured on the holder's device.
    ///   - template: The holder's template.
    /// - Returns: The key, for signing challenges.
    /// - Throws: ``VaultError/authenticationFailure(file:line:)`` when no candidate matches, or
    ///   another ``VaultError`` for bad input.
    public func unlockSigningKey(probe: [Float], template: ProtectedTemplate) throws -> TemplateSigningKey {
        var candidates = try decodeCandidates(probe: probe, template: template)
        defer { for k in candidates.indices { candidates[k].zeroize() } }
        var found: TemplateSigningKey?
        for candidate in candidates {
            let key = try CodewordKey.signingKey(for: candidate, salt: template.salt, kdf: template.kdf)
            if constantTimeEquals(Array(key.publicKey.rawRepresentation), template.publicKey), found == nil {
                found = TemplateSigningKey(key: key)
            }
        }
        guard let found else { throw VaultError.authenticationFailure() }
        return found
    }

    /// Checks that a template belongs to this deployment.
    func check(_ template: ProtectedTemplate) throws {
        guard template.dimension == preprocessor.dimension else {
            throw VaultError(.dimensionMismatch, "template dimension \(template.dimension) does not match deployment dimension \(preprocessor.dimension)")
        }
        guard template.preprocessorFingerprint == preprocessor.fingerprint else {
            throw VaultError(.preprocessorMismatch, "template was enrolled under different preprocessing data")
        }
    }

    /// The candidate codewords for a probe (one unless list decoding is on).
    func decodeCandidates(probe: [Float], template: ProtectedTemplate) throws -> [Codeword] {
        try check(template)
        var x = try preprocessor.prepare(probe)
        defer { zeroize(&x) }
        var y = [Float](repeating: 0, count: template.dimension)
        defer { zeroize(&y) }
        return decode(prepared: x, template: template, into: &y, listSize: parameters.listSize)
    }

    /// y = P·x and its decoding, for an already prepared unit probe.
    func decode(prepared x: [Float], template: ProtectedTemplate, into y: inout [Float], listSize: Int) -> [Codeword] {
        let n = template.dimension
        x.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { y in
                switch template.helperEncoding {
                case .float32:
                    template.helper32.withUnsafeBufferPointer { MatrixVector.multiply($0, rows: n, cols: n, x, into: y) }
                case .float16:
                    template.helper16.withUnsafeBufferPointer { MatrixVector.multiplyHalf($0, rows: n, cols: n, x, into: y) }
                }
            }
        }
        return y.withUnsafeBufferPointer { y in
            Codeword.decodeList(y, alpha: template.alpha, listSize: listSize)
        }
    }
}

extension IronMask {
    /// The scheme a holder's device uses to unlock `template`.
    /// - Parameters:
    ///   - template: The holder's downloaded template; α and the KDF cost are taken from it.
    ///   - profile: The server's vault profile the template was enrolled under (its centring
    ///     and list size); `nil` only L2-normalises, as the built-in synthetic profile does, and
    ///     tries 4 candidates.
    /// - Throws: ``VaultError`` `preprocessorMismatch` when the template was enrolled under
    ///   other preprocessing, or another code when its parameters are out of range.
    public static func device(for template: ProtectedTemplate, profile: VaultProfile? = nil) throws -> IronMask {
        let preprocessor = try profile?.scheme().preprocessor ?? EmbeddingPreprocessor.identity(dimension: template.dimension)
        let scheme = try IronMask(
            parameters: IronMaskParameters(alpha: template.alpha, kdf: template.kdf, helperEncoding: template.helperEncoding,
                                           listSize: profile?.listSize ?? 4),
            preprocessor: preprocessor)
        try scheme.check(template)
        return scheme
    }
}
