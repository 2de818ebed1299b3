import Foundation


/// Labelled embeddings shaped like a real face model's: every identity sits in a narrow cone
/// around one population direction, as dlib's and FaceNet's do, so raw cosine (and a vault that
/// only normalises) confuses people, while centring on the population mean separates them.
///
/// Deterministic for a seed, so tests that calibrate on it are reproducible.
public enum SyntheticFaces {
    /// `subjects` people with `samples` embeddings each.
    /// - Parameters:
    ///   - cone: length of the shared population offset relative to an identity's spread (1).
    ///   - noise: per-coordinate standard deviation of a sample around its identity, relative to
    ///     an identity's per-coordinate spread.
    public static func dataset(subjects: Int, samples: Int, dimension: Int, cone: Float = 4, noise: Float = 0.35,
                               seed: UInt64 = 1) throws -> EmbeddingDataset {
        var random = DeterministicGenerator(seed: seed)
        let perCoordinate = 1 / Float(dimension).squareRoot()
        let population = unit((0..<dimension).map { _ in gaussian(&random) }).map { $0 * cone }
        return try EmbeddingDataset(subjects: (0..<subjects).map { subject in
            let identity = (0..<dimension).map { population[$0] + gaussian(&random) * perCoordinate }
            let faces = (0..<samples).map { _ in identity.map { $0 + gaussian(&random) * perCoordinate * noise } }
            return EmbeddingDataset.Subject(label: "p\(subject + 1)", samples: faces)
        })
    }

    static func unit(_ v: [Float]) -> [Float] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return v.map { $0 / norm }
    }

    /// A standard normal deviate (Box–Muller).
    static func gaussian(_ random: inout DeterministicGenerator) -> Float {
        let u = max(Float.random(in: 0..<1, using: &random), .leastNormalMagnitude)
        let v = Float.random(in: 0..<1, using: &random)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
