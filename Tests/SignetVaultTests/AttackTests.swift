import Testing
@testable import SignetVault

/// Known pitfalls of orthogonal-matrix hiding: each naive helper leaks c and then t; the shipped
/// P = R·Q resists the same attacks.
struct AttackTests {
    // n = 256: large enough that the codeword's entries (±1/√α) stand out of t's (about ±1/√n);
    // at smaller n the reflection still leaks most of the support.
    static let n = 256
    static let alpha = 8

    struct Secret {
        var t: [Double]
        var c: Codeword
    }

    static func secret(seed: UInt64) -> Secret {
        var rng = DeterministicGenerator(seed: seed)
        var synthetic = Synthetic(seed: seed + 1)
        return Secret(t: synthetic.unit(n).map(Double.init), c: Codeword.random(dimension: n, alpha: alpha, using: &rng))
    }

    /// H = I − 2uuᵀ with u = (t − c)/‖t − c‖ maps t to c.
    static func householder(_ s: Secret) -> [Double] {
        let c = s.c.dense()
        var u = zip(s.t, c).map { $0 - $1 }
        let norm = dot(u, u).squareRoot()
        u = u.map { $0 / norm }
        return (0..<(n * n)).map { k in (k / n == k % n ? 1 : 0) - 2 * u[k / n] * u[k % n] }
    }

    /// R = I + (cos−1)(aaᵀ + bbᵀ) + sin(baᵀ − abᵀ), the rotation in span{t, c} sending t to c.
    static func bareRotation(_ s: Secret) -> [Double] {
        let c = s.c.dense()
        let cosine = dot(s.t, c)
        var b = zip(c, s.t).map { $0 - cosine * $1 }
        let sine = dot(b, b).squareRoot()
        b = b.map { $0 / sine }
        let a = s.t
        return (0..<(n * n)).map { k in
            let i = k / n, j = k % n
            return (i == j ? 1 : 0) + (cosine - 1) * (a[i] * a[j] + b[i] * b[j]) + sine * (b[i] * a[j] - a[i] * b[j])
        }
    }

    /// Attack on a reflection: I − H = 2uuᵀ gives u; c is the α-sparse part of −u; t = c + λu with ‖t‖ = 1.
    static func householderAttack(_ h: [Double]) -> (c: Codeword, t: [Double]) {
        var best = 0, bestNorm = 0.0
        for j in 0..<n {
            let col = (0..<n).map { i in (i == j ? 1 : 0) - h[i * n + j] }
            if dot(col, col) > bestNorm { (best, bestNorm) = (j, dot(col, col)) }
        }
        var u = (0..<n).map { i in (i == best ? 1 : 0) - h[i * n + best] }
        let norm = dot(u, u).squareRoot()
        u = u.map { $0 / norm }
        let minusU = u.map { Float(-$0) }
        let c = minusU.withUnsafeBufferPointer { Codeword.decode($0, alpha: alpha) }
        let lambda = -2 * dot(c.dense(), u)
        return (c, zip(c.dense(), u).map { $0 + lambda * $1 })
    }

    /// Attack on a plane rotation: R − I has rank 2 and its column space is span{t, c}; c is the
    /// vector of that plane with n − α zeros, found by zeroing one coordinate at a time; t = Rᵀc.
    static func rotationAttack(_ r: [Double]) -> (c: Codeword, t: [Double])? {
        var columns = (0..<n).map { j in (0..<n).map { i in r[i * n + j] - (i == j ? 1 : 0) } }
        columns.sort { dot($0, $0) > dot($1, $1) }
        let e1 = columns[0].map { $0 / dot(columns[0], columns[0]).squareRoot() }
        var e2 = zip(columns[1], e1).map { $0 - dot(columns[1], e1) * $1 }
        let n2 = dot(e2, e2).squareRoot()
        guard n2 > 1e-9 else { return nil }
        e2 = e2.map { $0 / n2 }
        for i in 0..<n {
            var v = zip(e1, e2).map { e2[i] * $0 - e1[i] * $1 }
            let nv = dot(v, v).squareRoot()
            guard nv > 1e-9 else { continue }
            v = v.map { $0 / nv }
            for sign in [1.0, -1.0] {
                let candidate = v.map { Float(sign * $0) }
                let c = candidate.withUnsafeBufferPointer { Codeword.decode($0, alpha: alpha) }
                let distance = zip(c.dense(), candidate).reduce(0) { $0 + ($1.0 - Double($1.1)) * ($1.0 - Double($1.1)) }
                if distance < 1e-8 { return (c, applyTransposed(r, c.dense())) }
            }
        }
        return nil
    }

    static func negated(_ c: Codeword) -> Codeword {
        Codeword(dimension: c.dimension, indices: c.indices, negative: c.negative.map { !$0 })
    }

    static func shippedHelper(_ s: Secret, seed: UInt64) throws -> [Double] {
        var rng = DeterministicGenerator(seed: seed)
        return try testScheme(dimension: n, alpha: alpha).makeHelper(t: s.t, codeword: s.c, using: &rng).map(Double.init)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func singleHouseholderReflectionLeaksCodewordAndTemplate(seed: UInt64) {
        let s = Self.secret(seed: seed)
        let (c, t) = Self.householderAttack(Self.householder(s))
        // I − H = 2uuᵀ fixes u only up to sign, so the attack yields (c, t) or (−c, −t); one KDF
        // call against the public key tells them apart.
        #expect(c == s.c || c == Self.negated(s.c))
        #expect(abs(dot(t, s.t)) > 0.999_999)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func bareRotationLeaksCodewordAndTemplate(seed: UInt64) throws {
        let s = Self.secret(seed: seed)
        let leaked = try #require(Self.rotationAttack(Self.bareRotation(s)))
        // The plane holds ±c; the attacker tells them apart with the public key (one KDF call).
        #expect(leaked.c == s.c || leaked.c == Self.negated(s.c))
        #expect(abs(dot(leaked.t, s.t)) > 0.999_999)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func shippedConstructionResistsBothAttacks(seed: UInt64) throws {
        let s = Self.secret(seed: seed)
        let p = try Self.shippedHelper(s, seed: seed + 50)
        let (c, t) = Self.householderAttack(p)
        #expect(c != s.c && c != Self.negated(s.c))
        #expect(abs(dot(t, s.t)) < 0.5)
        #expect(Self.rotationAttack(p) == nil)
    }

    /// If Q came from a stored seed, anyone could recompute it, strip it (R = P·Qᵀ) and run the
    /// rotation attack. This is why Q is drawn from the CSPRNG and never stored or seeded.
    @Test func orthogonalMatrixFromAStoredSeedMakesTheHelperInvertible() throws {
        let s = Self.secret(seed: 7)
        let storedSeed: UInt64 = 4_242
        let p = try Self.shippedHelper(s, seed: storedSeed)
        var replay = DeterministicGenerator(seed: storedSeed)
        let q = HaarOrthogonal.sample(dimension: Self.n, using: &replay)
        let r = (0..<(Self.n * Self.n)).map { k in
            (0..<Self.n).reduce(0.0) { $0 + p[(k / Self.n) * Self.n + $1] * q[(k % Self.n) * Self.n + $1] }
        }
        let leaked = try #require(Self.rotationAttack(r))
        // t = Qᵀ·(Rᵀ·c) once R is isolated.
        let t = applyTransposed(q, leaked.t)
        #expect(abs(dot(t, s.t)) > 0.9999)
    }
}

/// Record multiplicity: two templates of one person from separate enrollments. M = P₂·P₁ᵀ sends
/// the sparse c₁ close to the sparse c₂, and a sparse power iteration finds both when α is small
/// for the dimension. This is why α has a floor per dimension (see docs/vault.md) and why renewal
/// destroys the old template.
struct CrossTemplateAttackTests {
    static func twoEnrollments(n: Int, alpha: Int, seed: UInt64) throws -> (ProtectedTemplate, Codeword, ProtectedTemplate) {
        var rng = DeterministicGenerator(seed: seed)
        var synthetic = Synthetic(seed: seed + 1)
        let scheme = try testScheme(dimension: n, alpha: alpha)
        let person = synthetic.unit(n)
        // Two samples of one person about 35° apart, as in the face data after centring.
        let a = synthetic.near(person, noise: 0.45), b = synthetic.near(person, noise: 0.45)
        let c1 = Codeword.random(dimension: n, alpha: alpha, using: &rng)
        let c2 = Codeword.random(dimension: n, alpha: alpha, using: &rng)
        let t1 = try scheme.enroll(samples: [a], codeword: c1, kdf: .insecureTesting, using: &rng)
        let t2 = try scheme.enroll(samples: [b], codeword: c2, kdf: .insecureTesting, using: &rng)
        return (t1, c1, t2)
    }

    static func recoveredKeyMatches(_ t1: ProtectedTemplate, _ t2: ProtectedTemplate) throws -> Bool {
        let found = Linkage.sparsePowerSearch(t1.helper, t2.helper, n: t1.dimension, alpha: t1.alpha)
        let guess = found.u.withUnsafeBufferPointer { Codeword.decode($0, alpha: t1.alpha) }
        let flipped = Codeword(dimension: guess.dimension, indices: guess.indices, negative: guess.negative.map { !$0 })
        // Two KDF calls settle the sign: the attacker needs no probe at all.
        return try [guess, flipped].contains { try CodewordKey.publicKey(for: $0, salt: t1.salt, kdf: t1.kdf) == t1.publicKey }
    }

    @Test(arguments: [UInt64(1), 2])
    func smallAlphaLeaksBothKeysFromTwoTemplates(seed: UInt64) throws {
        let (t1, _, t2) = try Self.twoEnrollments(n: 128, alpha: 4, seed: seed)
        #expect(try Self.recoveredKeyMatches(t1, t2))
    }

    @Test(arguments: [UInt64(1), 2])
    func recommendedAlphaResistsTheSameSearch(seed: UInt64) throws {
        let (t1, _, t2) = try Self.twoEnrollments(n: 128, alpha: 8, seed: seed)
        #expect(try !Self.recoveredKeyMatches(t1, t2))
    }
}
