@testable import SignetVault

/// Seeded synthetic embeddings for tests: subjects are random directions around a shared offset
/// (an uncentred "cone", like raw face descriptors), samples are noisy copies of their subject.
struct Synthetic {
    var rng: DeterministicGenerator
    var gaussian = GaussianSampler<DeterministicGenerator>()

    init(seed: UInt64) { rng = DeterministicGenerator(seed: seed) }

    mutating func vector(_ n: Int) -> [Float] { (0..<n).map { _ in Float(gaussian.next(using: &rng)) } }

    mutating func unit(_ n: Int) -> [Float] { normalise(vector(n)) }

    /// `subjects` people with `samples` each; genuine noise `noise` relative to the subject vector.
    mutating func dataset(subjects: Int, samples: Int, dimension n: Int, noise: Float = 0.25, offset: [Float]? = nil) -> [[[Float]]] {
        let shift = offset ?? [Float](repeating: 0, count: n)
        return (0..<subjects).map { _ in
            let centre = unit(n)
            return (0..<samples).map { _ in
                let e = vector(n)
                return (0..<n).map { centre[$0] + noise * e[$0] / Float(n).squareRoot() + shift[$0] }
            }
        }
    }

    /// A probe close to `x`: relative noise `noise`.
    mutating func near(_ x: [Float], noise: Float) -> [Float] {
        let e = vector(x.count)
        let scale = noise * norm(x) / Float(x.count).squareRoot()
        return (0..<x.count).map { x[$0] + scale * e[$0] }
    }
}

func norm(_ v: [Float]) -> Float { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

func normalise(_ v: [Float]) -> [Float] {
    let n = norm(v)
    return v.map { $0 / n }
}

func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

/// y = M·x for a row-major Double matrix.
func apply(_ m: [Double], _ x: [Double]) -> [Double] {
    let n = x.count
    return (0..<n).map { i in (0..<n).reduce(0) { $0 + m[i * n + $1] * x[$1] } }
}

/// Mᵀ·x for a row-major Double matrix.
func applyTransposed(_ m: [Double], _ x: [Double]) -> [Double] {
    let n = x.count
    return (0..<n).map { j in (0..<n).reduce(0) { $0 + m[$1 * n + j] * x[$1] } }
}

/// A scheme with a cheap KDF for tests.
func testScheme(dimension n: Int, alpha: Int = 8, listSize: Int = 1, encoding: HelperEncoding = .float32) throws -> IronMask {
    try IronMask(
        parameters: IronMaskParameters(alpha: alpha, kdf: .insecureTesting, helperEncoding: encoding, listSize: listSize),
        preprocessor: EmbeddingPreprocessor.identity(dimension: n))
}
