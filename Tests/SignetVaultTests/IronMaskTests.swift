import Crypto
import Testing
@testable import SignetVault
import SignetCore

struct IronMaskTests {
    static let n = 64

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
        var rng = DeterministicGenerator(seed: 31)
        var synthetic = Synthetic(seed: 32)
        let scheme = try testScheme(dimension: Self.n, alpha: 4)
        let x = synthetic.unit(Self.n)
        let template = try scheme.enroll(samples: [x], using: &rng)
        #expect(try scheme.verify(probe: x, against: template) == .accepted)
        #expect(try scheme.verify(probe: x.map { $0 * 3.5 }, against: template) == .accepted)  // scale does not matter
        #expect(try scheme.verify(probe: synthetic.near(x, noise: 0.1), against: template) == .accepted)
        for _ in 0..<20 {
            #expect(try scheme.verify(probe: synthetic.unit(Self.n), against: template) == .rejected)
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
        var rng = DeterministicGenerator(seed: 51)
        var synthetic = Synthetic(seed: 52)
        let scheme = try testScheme(dimension: Self.n)
        let x = synthetic.unit(Self.n)
        let a = try scheme.enroll(samples: [x], using: &rng), b = try scheme.enroll(samples: [x], using: &rng)
        #expect(a.publicKey != b.publicKey)
        #expect(a.salt != b.salt)
        #expect(a.helper != b.helper)
    }

    @Test func renewalReplacesTheTemplateAndDestroysTheOldOne() throws {
        var rng = DeterministicGenerator(seed: 61)
        var synthetic = Synthetic(seed: 62)
        let scheme = try testScheme(dimension: Self.n, alpha: 4)
        let x = synthetic.unit(Self.n)
        var template = try scheme.enroll(samples: [x], using: &rng)
        var old = template
        let oldKey = template.publicKey
        let fresh = synthetic.near(x, noise: 0.05)
        try scheme.renew(&template, samples: [fresh], using: &rng)
        #expect(template.publicKey != oldKey)
        #expect(try scheme.verify(probe: fresh, against: template) == .accepted)
        old.destroy()
        #expect(old.helper.allSatisfy { $0 == 0 })
        #expect(old.publicKey.allSatisfy { $0 == 0 })
        #expect(try scheme.verify(probe: x, against: old) == .rejected)
    }

    @Test func failedRenewalLeavesTheOldTemplateIntact() throws {
        var rng = DeterministicGenerator(seed: 63)
        var synthetic = Synthetic(seed: 64)
        let scheme = try testScheme(dimension: Self.n, alpha: 4)
        let x = synthetic.unit(Self.n)
        var template = try scheme.enroll(samples: [x], using: &rng)
        #expect(throws: VaultError(.nonFiniteValue, "")) {
            try scheme.renew(&template, samples: [[Float](repeating: .nan, count: Self.n)], using: &rng)
        }
        #expect(try scheme.verify(probe: x, against: template) == .accepted)
    }

    @Test func deviceUnlocksTheKeyAndSignsAChallengeTheServerCanCheck() throws {
        var rng = DeterministicGenerator(seed: 71)
        var synthetic = Synthetic(seed: 72)
        let scheme = try testScheme(dimension: Self.n, alpha: 4)
        let x = synthetic.unit(Self.n)
        let template = try scheme.enroll(samples: [x], using: &rng)
        let key = try scheme.unlockSigningKey(probe: synthetic.near(x, noise: 0.05), template: template)
        #expect(key.publicKey == template.publicKey)
        let challenge = Array("nonce-1234".utf8)
        let signature = try key.sign(challenge: challenge)
        let serverKey = try Curve25519.Signing.PublicKey(rawRepresentation: template.publicKey)
        #expect(serverKey.isValidSignature(signature, for: challenge))
        #expect(!serverKey.isValidSignature(signature, for: Array("nonce-9999".utf8)))
        #expect(throws: VaultError.authenticationFailure()) {
            try scheme.unlockSigningKey(probe: synthetic.unit(Self.n), template: template)
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
