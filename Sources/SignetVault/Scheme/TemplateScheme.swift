/// The outcome of a verification. Deliberate: it carries no score or distance.
public enum VerificationResult: Sendable, Equatable {
    /// The probe unlocked the template.
    case accepted
    /// The probe did not unlock the template.
    case rejected
}

/// A biometric template protection scheme: embeddings go in, only protected templates come out.
public protocol TemplateScheme: Sendable {
    /// A stable scheme name, e.g. `"ironmask"`.
    var name: String { get }

    /// Enrolls one person from one or more samples (their normalised mean is enrolled).
    /// - Parameters:
    ///   - samples: Raw embeddings of one person.
    ///   - rng: Randomness for the codeword, the orthogonal matrix and the salt (a CSPRNG in production).
    /// - Returns: The protected template.
    /// - Throws: ``VaultError`` for bad input.
    func enroll<R: RandomNumberGenerator>(samples: [[Float]], using rng: inout R) throws -> ProtectedTemplate

    /// Server-side verification of a probe against a template.
    /// - Parameters:
    ///   - probe: A raw embedding.
    ///   - template: The stored template.
    /// - Returns: ``VerificationResult/accepted`` or ``VerificationResult/rejected``.
    /// - Throws: ``VaultError`` for bad input or a template this scheme cannot use.
    func verify(probe: [Float], against template: ProtectedTemplate) throws -> VerificationResult
}

extension TemplateScheme {
    /// Enrolls with the system CSPRNG.
    /// - Parameter samples: Raw embeddings of one person.
    /// - Returns: The protected template.
    /// - Throws: ``VaultError`` for bad input.
    public func enroll(samples: [[Float]]) throws -> ProtectedTemplate {
        var rng = SystemRandomNumberGenerator()
        return try enroll(samples: samples, using: &rng)
    }

    /// Renews a template from fresh samples: a new codeword, matrix and salt; the old template's
    /// helper data is overwritten, so the caller holds only the new one.
    /// - Parameters:
    ///   - template: The template to destroy and replace.
    ///   - samples: Fresh raw embeddings of the same person.
    ///   - rng: Randomness (a CSPRNG in production).
    /// - Throws: ``VaultError`` for bad input; the old template is left intact in that case.
    public func renew<R: RandomNumberGenerator>(_ template: inout ProtectedTemplate, samples: [[Float]], using rng: inout R) throws {
        let fresh = try enroll(samples: samples, using: &rng)
        template.destroy()
        template = fresh
    }
}

extension ProtectedTemplate {
    /// Overwrites the helper data, salt and public key in place (best effort; see `zeroize`).
    mutating func destroy() {
        zeroize(&helper32)
        zeroize(&helper16)
        zeroize(&salt)
        zeroize(&publicKey)
    }
}
