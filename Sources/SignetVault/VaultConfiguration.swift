import SignetCore

/// The deployment's template protection: the vault profiles it has loaded.
///
/// The first profile enrolls and renews; the others keep templates enrolled under them
/// verifiable during a migration. With no profile the vault enrolls nothing
/// (``enrollment`` is `nil`): a face model's raw embeddings without the population mean its
/// profile carries let impostors in.
public struct VaultConfiguration: Sendable {
    /// The loaded profiles, the enrolling one first.
    public let profiles: [VaultProfile]
    private let schemes: [IronMask]
    /// The schemes' preprocessing fingerprints, computed once (a probe looks its scheme up by them).
    private let fingerprints: [[UInt8]]

    /// Loads profiles.
    /// - Parameter profiles: The enrolling profile first; may be empty (an uncalibrated vault).
    /// - Throws: ``VaultError`` `invalidParameter` when a profile cannot form a scheme.
    public init(profiles: [VaultProfile]) throws {
        self.profiles = profiles
        self.schemes = try profiles.map { try $0.scheme() }
        self.fingerprints = schemes.map(\.preprocessor.fingerprint)
        // A template finds its profile by fingerprint, so two profiles that prepare embeddings
        // identically (two normalise-only ones of one dimension) would make the lookup ambiguous.
        guard Set(fingerprints).count == fingerprints.count else {
            throw VaultError(.invalidParameter, "two loaded profiles prepare embeddings identically (same dimension and preprocessing); load only one of them")
        }
    }

    /// A vault with only the built-in synthetic profile, for the demo, tests and benchmarks.
    /// - Parameters:
    ///   - dimension: embedding dimension (default 512).
    ///   - alpha: non-zero codeword entries (default 16, the floor `signet eval` recommends at n = 512).
    ///   - kdf: key-derivation cost (default production scrypt).
    /// - Throws: ``VaultError`` when the parameters are out of range.
    public init(dimension: Int = 512, alpha: Int = 16, kdf: KDFParameters = .production) throws {
        try self.init(profiles: [VaultProfile.synthetic(dimension: dimension, alpha: alpha, kdf: kdf)])
    }

    /// A vault with no profile: it enrolls nothing (operator tools that never touch templates).
    public static var uncalibrated: VaultConfiguration {
        VaultConfiguration()
    }

    private init() {
        profiles = []
        schemes = []
        fingerprints = []
    }

    /// The scheme new templates are enrolled and renewed with; `nil` when no profile is loaded.
    public var enrollment: IronMask? { schemes.first }

    /// The scheme a stored template was enrolled with, found by the preprocessing fingerprint
    /// and dimension it records; `nil` when no loaded profile matches.
    public func scheme(for template: ProtectedTemplate) -> IronMask? {
        schemes.indices.first { schemes[$0].preprocessor.dimension == template.dimension && fingerprints[$0] == template.preprocessorFingerprint }
            .map { schemes[$0] }
    }

    /// The largest embedding dimension any loaded profile takes (bounds request bodies).
    public var maximumDimension: Int { profiles.map(\.dimension).max() ?? 0 }
}

extension VaultConfiguration {
    /// Whether some loaded profile of the probe's dimension can prepare it (it is finite and
    /// not the zero vector after that profile's centring). Cheap: no template is read.
    public func usable(_ probe: [Float]) -> Bool {
        schemes.contains { scheme in
            scheme.preprocessor.dimension == probe.count && (try? scheme.preprocessor.prepare(probe)) != nil
        }
    }
}

extension VaultConfiguration {
    /// The probe as the first loaded profile of its dimension prepares it (centred, unit
    /// length): the form the watch fingerprints. `nil` when no profile can prepare it.
    public func prepared(_ probe: [Float]) -> [Float]? {
        for scheme in schemes where scheme.preprocessor.dimension == probe.count {
            if let prepared = try? scheme.preprocessor.prepare(probe) { return prepared }
        }
        return nil
    }
}
