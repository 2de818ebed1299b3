import Foundation
import SignetCore

/// Learns a ``VaultProfile`` from labelled embeddings of people who are not users.
///
/// The file's subjects are split, in file order, into a training part (the population mean is
/// learned from it alone) and a measured part. On the measured part every candidate α and
/// list size is run with the `signet eval` protocol; the profile takes the candidate with the
/// best TAR among those with zero false accepts and at least ``minimumBits`` search bits, where
/// a list of L candidates costs log2 L bits (ties go to the smaller α, then the shorter list).
/// The figures in the profile are exactly those of the
/// mean it carries: a profile that only works on the people it learned from is not a result.
public struct VaultCalibrator: Sendable {
    /// The face model's name, recorded in the profile.
    public var model: String
    /// Samples averaged into each enrolled template (the API accepts 1 to 10).
    public var enrollSamples: Int
    /// The floor on search bits (codeword space less log2 of the list size).
    public var minimumBits: Double
    /// Subjects (file order) the mean is learned from; `nil` takes half of them.
    public var trainingSubjects: Int?
    /// The KDF; `nil` chooses scrypt so that one verification, which derives a key for each
    /// of the L candidates, costs about one production derivation: log2 N = 15 − ⌈log2 L⌉, at
    /// least 10.
    public var kdf: KDFParameters?
    /// Seed for a reproducible measurement.
    public var seed: UInt64?

    /// The largest list size tried; each candidate costs one KDF derivation per verification.
    public static let maximumListSize = 32

    /// Creates a calibrator with the defaults `signet vault calibrate` uses.
    public init(model: String, enrollSamples: Int = 5, minimumBits: Double = 48, trainingSubjects: Int? = nil,
                kdf: KDFParameters? = nil, seed: UInt64? = nil) {
        self.model = model
        self.enrollSamples = enrollSamples
        self.minimumBits = minimumBits
        self.trainingSubjects = trainingSubjects
        self.kdf = kdf
        self.seed = seed
    }

    /// Measures the candidates and returns the profile.
    /// - Parameters:
    ///   - dataset: The calibration file's subjects.
    ///   - dataSHA256: Hex SHA-256 of the file, recorded in the profile.
    ///   - progress: Short progress lines (never data).
    /// - Throws: ``VaultError`` `invalidParameter` when no candidate reaches zero false accepts at
    ///   ``minimumBits``, or for unusable data.
    public func calibrate(_ dataset: EmbeddingDataset, dataSHA256: String,
                          progress: @Sendable (String) -> Void = { _ in }) throws -> VaultProfile {
        let training = trainingSubjects ?? dataset.subjects.count / 2
        let split = try dataset.split(trainingSubjects: training)
        let mean = try EmbeddingPreprocessor.learn(from: split.training.flatMap(\.samples), version: "calibration")
        let alphas = candidateAlphas(dimension: dataset.dimension)
        guard !alphas.isEmpty else {
            throw VaultError(.invalidParameter, "dimension \(dataset.dimension) cannot reach \(minimumBits) bits at any α")
        }
        let listSizes = Array(sequence(first: 1) { $0 * 2 }.prefix { $0 <= Self.maximumListSize })
        let evaluation = EvaluationConfiguration(
            alphas: alphas, enrollSamples: [enrollSamples], listSizes: listSizes, includeFloat16: false,
            kdf: .insecureTesting, linkagePairs: 0, seed: seed)
        progress("mean from \(training) subjects; measuring α \(alphas.map(String.init).joined(separator: ",")) on \(split.evaluation.subjects.count) others")
        let results = try VaultEvaluator(configuration: evaluation, preprocessor: mean)
            .run(split.evaluation, progress: progress)
            .filter { $0.scheme == "ironmask" }
        let candidates = results.map { result in
            let alpha = result.alpha ?? 0, listSize = result.listSize ?? 1
            return VaultCalibration.Candidate(
                alpha: alpha, listSize: listSize, tar: result.tar, falseAccepts: result.falseAccepts,
                bits: SecurityEstimate.nominalBits(dimension: dataset.dimension, alpha: alpha) - log2(Double(listSize)))
        }
        let eligible = candidates.filter { $0.falseAccepts == 0 && $0.bits >= minimumBits }
        // Ties in measured TAR (common on a small calibration set) go to the smaller α, whose
        // decoding has more margin for people the calibration never saw, then to the shorter
        // list (more bits, fewer KDF runs).
        guard let chosen = eligible.max(by: { ($0.tar, -$0.alpha, $0.bits) < ($1.tar, -$1.alpha, $1.bits) }), let first = results.first else {
            throw VaultError(.invalidParameter, "no α and list size reaches zero false accepts at \(minimumBits) bits on this data; a profile would let impostors in")
        }
        let calibration = VaultCalibration(
            dataSHA256: dataSHA256, trainingSubjects: training, measuredSubjects: split.evaluation.subjects.count,
            enrollSamples: enrollSamples, genuineAttempts: first.genuineAttempts, impostorAttempts: first.impostorAttempts,
            minimumBits: minimumBits, chosen: chosen, candidates: candidates)
        return try VaultProfile(
            model: model, dimension: dataset.dimension, preprocessing: .centre(mean: mean.mean), alpha: chosen.alpha,
            listSize: chosen.listSize, kdf: try kdf ?? Self.kdf(forListSize: chosen.listSize), calibration: calibration)
    }

    /// α values worth measuring: the smallest that reaches the bit floor and a few above it
    /// (a larger α only costs TAR, but buys room for a longer list).
    func candidateAlphas(dimension: Int) -> [Int] {
        guard let smallest = (1...dimension).first(where: { SecurityEstimate.nominalBits(dimension: dimension, alpha: $0) >= minimumBits }) else {
            return []
        }
        return Array(smallest...min(dimension, smallest + 3))
    }

    /// scrypt with N scaled down by the list size, so a verification costs about one production
    /// derivation; never below N = 2^10.
    static func kdf(forListSize listSize: Int) throws -> KDFParameters {
        let production = KDFParameters.production
        let steps = UInt8(Int(ceil(log2(Double(listSize)))))
        return try KDFParameters(log2N: max(10, production.log2N - steps), r: production.r, p: production.p)
    }
}
