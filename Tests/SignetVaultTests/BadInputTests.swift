import Testing
@testable import SignetVault
import SignetCore

struct BadInputTests {
    static let n = 32

    static func enrolled(seed: UInt64 = 1) throws -> (IronMask, ProtectedTemplate, [Float]) {
        var rng = DeterministicGenerator(seed: seed)
        var synthetic = Synthetic(seed: seed + 100)
        let mean = synthetic.vector(n)
        let scheme = try IronMask(
            parameters: IronMaskParameters(alpha: 4, kdf: .insecureTesting),
            preprocessor: EmbeddingPreprocessor(mean: mean, version: "test"))
        let x = synthetic.vector(n)
        return (scheme, try scheme.enroll(samples: [x], using: &rng), mean)
    }

    @Test(arguments: [0, 1, 31, 33, 128])
    func wrongDimensionIsRefused(dimension: Int) throws {
        let (scheme, template, _) = try Self.enrolled()
        var rng = DeterministicGenerator(seed: 2)
        let probe = [Float](repeating: 0.5, count: dimension)
        #expect(throws: VaultError(.dimensionMismatch, "")) { try scheme.verify(probe: probe, against: template) }
        #expect(throws: VaultError(.dimensionMismatch, "")) { try scheme.enroll(samples: [probe], using: &rng) }
    }

    @Test(arguments: [Float.nan, .infinity, -.infinity, .signalingNaN])
    func nonFiniteValuesAreRefused(bad: Float) throws {
        let (scheme, template, _) = try Self.enrolled()
        var rng = DeterministicGenerator(seed: 3)
        var probe = [Float](repeating: 0.5, count: Self.n)
        probe[7] = bad
        #expect(throws: VaultError(.nonFiniteValue, "")) { try scheme.verify(probe: probe, against: template) }
        #expect(throws: VaultError(.nonFiniteValue, "")) { try scheme.enroll(samples: [probe], using: &rng) }
    }

    @Test func hugeFiniteValuesAreNormalisedWithoutOverflow() throws {
        let (scheme, template, _) = try Self.enrolled()
        var probe = [Float](repeating: .greatestFiniteMagnitude, count: Self.n)
        probe[0] = -.greatestFiniteMagnitude
        #expect(try scheme.verify(probe: probe, against: template) == .rejected)
        let prepared = try scheme.preprocessor.prepare(probe)
        #expect(prepared.allSatisfy { $0.isFinite })
        #expect(abs(norm(prepared) - 1) < 1e-4)
    }

    @Test func zeroVectorAfterCentringIsRefused() throws {
        let (scheme, template, mean) = try Self.enrolled()
        var rng = DeterministicGenerator(seed: 4)
        #expect(throws: VaultError(.degenerateEmbedding, "")) { try scheme.verify(probe: mean, against: template) }
        #expect(throws: VaultError(.degenerateEmbedding, "")) { try scheme.enroll(samples: [mean], using: &rng) }
        #expect(throws: VaultError(.insufficientSamples, "")) { try scheme.enroll(samples: [], using: &rng) }
    }

    @Test(arguments: [0, -1, 33, 1_000])
    func alphaOutOfRangeIsRefused(alpha: Int) throws {
        #expect(throws: VaultError(.invalidParameter, "")) {
            try IronMask(
                parameters: IronMaskParameters(alpha: alpha, kdf: .insecureTesting),
                preprocessor: EmbeddingPreprocessor.identity(dimension: Self.n))
        }
    }

    @Test(arguments: [(UInt8(0), UInt32(1), UInt32(1)), (31, 1, 1), (10, 0, 1), (10, 1, 0), (10, 1, 17)])
    func kdfParametersOutOfRangeAreRefused(log2N: UInt8, r: UInt32, p: UInt32) {
        #expect(throws: VaultError(.invalidParameter, "")) { try KDFParameters(log2N: log2N, r: r, p: p) }
    }

    @Test func templateFromAnotherDeploymentIsRefused() throws {
        let (_, template, mean) = try Self.enrolled()
        let otherMean = try IronMask(
            parameters: IronMaskParameters(alpha: 4, kdf: .insecureTesting),
            preprocessor: EmbeddingPreprocessor(mean: mean.map { $0 + 0.01 }, version: "test"))
        #expect(throws: VaultError(.preprocessorMismatch, "")) { try otherMean.verify(probe: mean.map { $0 + 1 }, against: template) }
        let otherDimension = try testScheme(dimension: 16, alpha: 4)
        #expect(throws: VaultError(.dimensionMismatch, "")) {
            try otherDimension.verify(probe: [Float](repeating: 1, count: 16), against: template)
        }
    }

    @Test func errorsCarryNoEmbeddingValues() throws {
        let (scheme, template, _) = try Self.enrolled()
        var probe = [Float](repeating: 0.123456, count: Self.n)
        probe[3] = .nan
        do {
            _ = try scheme.verify(probe: probe, against: template)
            Issue.record("expected an error")
        } catch let error as VaultError {
            #expect(!error.description.contains("0.123"))
            #expect(!error.description.lowercased().contains("nan,"))
        }
        #expect(VaultError.authenticationFailure().description == "authenticationFailure: authentication failed")
    }
}
