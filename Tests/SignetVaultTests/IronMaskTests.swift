import Crypto
import Testing
@testable import SignetVault
import SignetCore

struct IronMaskTests {
    static let n = 64

    /// One person enrolled from a single sample: the start of most tests here. The generators are
    /// seeded with `seed` and `seed + 1` and keep running, so a test draws its probes (and any
    /// further enrollment) from the same streams it would have without the fixture.
    struct Enrolled {
        var rng: DeterministicGenerator
        var synthetic: Synthetic
        let scheme: IronMask
        let x: [Float]
        let template: ProtectedTemplate

        init(seed: UInt64, alpha: Int = 8) throws {
            rng = DeterministicGenerator(seed: seed)
            synthetic = Synthetic(seed: seed + 1)
            scheme = try testScheme(dimension: IronMaskTests.n, alpha: alpha)
            x = synthetic.unit(IronMaskTests.n)
            template = try scheme.enroll(samples: [x], using: &rng)
        }
    }

    @Test func helperIsOrthogonalAndMapsTheTemplateOntoTheCodeword() throws {
        var rng = DeterministicGenerator(seed: 21)
        var synthetic = Synthetic(seed: 22)
        let scheme = try testScheme(dimension: Self.n)
        let t = synthetic.unit(Self.n)
        let c = Codeword.random(dimension: Self.n, alpha: 8, using: &rng)
        let p = scheme.makeHelper(t: t.map(Double.init), codeword: c, using: &rng).map(Double.init)
        let pt = apply(p, t.map(Double.init))
        let cd = c.dense()
        #expect(zip(pt, cd).allSatisfy { abs($0 - $1) < 1e-5 })
        for i in 0..<Self.n {
            let row = Array(p[(i * Self.n)..<((i + 1) * Self.n)])
            #expect(abs(dot(row, row) - 1) < 1e-5)
        }
    }

    @Test func enrolledSampleAndNearbyProbesVerifyImpostorsDoNot() throws {
        var e = try Enrolled(seed: 31, alpha: 4)
        #expect(try e.scheme.verify(probe: e.x, against: e.template) == .accepted)
        #expect(try e.scheme.verify(probe: e.x.map { $0 * 3.5 }, against: e.template) == .accepted)  // scale does not matter
        #expect(try e.scheme.verify(probe: e.synthetic.near(e.x, noise: 0.1), against: e.template) == .accepted)
        for _ in 0..<20 {
            #expect(try e.scheme.verify(probe: e.synthetic.unit(Self.n), against: e.template) == .rejected)
        }
    }

    @Test func multiSampleEnrollmentEnrollsTheNormalisedMean() throws {
        var rng = DeterministicGenerator(seed: 41)
        var synthetic = Synthetic(seed: 42)
        let scheme = try testScheme(dimension: Self.n, alpha: 4)
        let centre = synthetic.unit(Self.n)
        let samples = (0..<5).map { _ in synthetic.near(centre, noise: 0.3) }
        let template = try scheme.enroll(samples: samples, using: &rng)
        // The normalised mean decodes to the enrolled codeword exactly (P·t = c).
        let mean = try scheme.preprocessor.prepareMean(of: samples).map(Float.init)
        #expect(try scheme.verify(probe: mean, against: template) == .accepted)
        #expect(try scheme.verify(probe: centre, against: template) == .accepted)
    }

    @Test func twoEnrollmentsOfOnePersonShareNoHelperDataOrKey() throws {
        var e = try Enrolled(seed: 51)
        let a = e.template, b = try e.scheme.enroll(samples: [e.x], using: &e.rng)
        #expect(a.publicKey != b.publicKey)
        #expect(a.salt != b.salt)
        #expect(a.helper != b.helper)
    }

    @Test func renewalReplacesTheTemplateAndDestroysTheOldOne() throws {
        var e = try Enrolled(seed: 61, alpha: 4)
        var template = e.template
        var old = template
        let oldKey = template.publicKey
        let fresh = e.synthetic.near(e.x, noise: 0.05)
        try e.scheme.renew(&template, samples: [fresh], using: &e.rng)
        #expect(template.publicKey != oldKey)
        #expect(try e.scheme.verify(probe: fresh, against: template) == .accepted)
        old.destroy()
        #expect(old.helper.allSatisfy { $0 == 0 })
        #expect(old.publicKey.allSatisfy { $0 == 0 })
        #expect(try e.scheme.verify(probe: e.x, against: old) == .rejected)
    }

    @Test func failedRenewalLeavesTheOldTemplateIntact() throws {
        var e = try Enrolled(seed: 63, alpha: 4)
        var template = e.template
        #expect(throws: VaultError(.nonFiniteValue, "")) {
            try e.scheme.renew(&template, samples: [[Float](repeating: .nan, count: Self.n)], using: &e.rng)
        }
        #expect(try e.scheme.verify(probe: e.x, against: template) == .accepted)
    }

    @Test func deviceUnlocksTheKeyAndSignsAChallengeTheServerCanCheck() throws {
        var e = try Enrolled(seed: 71, alpha: 4)
        let key = try e.scheme.unlockSigningKey(probe: e.synthetic.near(e.x, noise: 0.05), template: e.template)
        #expect(key.publicKey == e.template.publicKey)
        let challenge = Array("nonce-1234".utf8)
        let signature = try key.sign(challenge: challenge)
        let serverKey = try Curve25519.Signing.PublicKey(rawRepresentation: e.template.publicKey)
        #expect(serverKey.isValidSignature(signature, for: challenge))
        #expect(!serverKey.isValidSignature(signature, for: Array("nonce-9999".utf8)))
        let impostor = e.synthetic.unit(Self.n)
        #expect(throws: VaultError.authenticationFailure()) {
            try e.scheme.unlockSigningKey(probe: impostor, template: e.template)
        }
    }

    @Test func listDecodingRecoversAProbeThatPlainDecodingMisses() throws {
        var synthetic = Synthetic(seed: 81)
        let plain = try testScheme(dimension: Self.n, alpha: 8)
        let listed = try testScheme(dimension: Self.n, alpha: 8, listSize: 16)
        var rescued = 0, plainAccepted = 0, listedAccepted = 0
        var rng = DeterministicGenerator(seed: 82)
        for _ in 0..<30 {
            let x = synthetic.unit(Self.n)
            let template = try plain.enroll(samples: [x], using: &rng)
            let probe = synthetic.near(x, noise: 0.9)
            let a = try plain.verify(probe: probe, against: template) == .accepted
            let b = try listed.verify(probe: probe, against: template) == .accepted
            plainAccepted += a ? 1 : 0
            listedAccepted += b ? 1 : 0
            if b && !a { rescued += 1 }
            #expect(!a || b)  // the list always contains the plain decoding
        }
        #expect(rescued > 0)
        #expect(listedAccepted > plainAccepted)
    }

    @Test func constantTimeComparison() {
        #expect(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!constantTimeEquals([1, 2, 3], [1, 2]))
    }

    @Test func kdfBindsCodewordAndSalt() throws {
        var rng = DeterministicGenerator(seed: 91)
        let c = Codeword.random(dimension: 32, alpha: 4, using: &rng)
        let d = Codeword.random(dimension: 32, alpha: 4, using: &rng)
        let salt = [UInt8](repeating: 1, count: 32), other = [UInt8](repeating: 2, count: 32)
        let k = try CodewordKey.publicKey(for: c, salt: salt, kdf: .insecureTesting)
        #expect(try CodewordKey.publicKey(for: c, salt: salt, kdf: .insecureTesting) == k)
        #expect(try CodewordKey.publicKey(for: d, salt: salt, kdf: .insecureTesting) != k)
        #expect(try CodewordKey.publicKey(for: c, salt: other, kdf: .insecureTesting) != k)
        #expect(try CodewordKey.publicKey(for: c, salt: salt, kdf: KDFParameters(log2N: 5, r: 1, p: 1)) != k)
    }

    @Test func productionKDFIsMemoryHard() {
        #expect(KDFParameters.production.memoryBytes >= 32 << 20)
    }
}
