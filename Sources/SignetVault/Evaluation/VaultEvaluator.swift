import SignetCore

/// Runs the `signet eval` protocol on held-out subjects.
///
/// Protocol: for each subject with m samples and each start r in 0..<m, one template is enrolled
/// from the k samples r, r+1, …, r+k−1 (mod m). Its genuine attempts are the subject's other
/// m − k samples; its impostor attempts are every sample of every other evaluation subject. The
/// cosine baseline uses the same enrollments and probes, scored by cosine similarity.
public struct VaultEvaluator: Sendable {
    /// The sweep.
    public let configuration: EvaluationConfiguration
    /// Public preprocessing (learned from training subjects or loaded).
    public let preprocessor: EmbeddingPreprocessor

    /// Creates an evaluator.
    /// - Parameters:
    ///   - configuration: The sweep.
    ///   - preprocessor: Preprocessing learned without the evaluation subjects.
    public init(configuration: EvaluationConfiguration, preprocessor: EmbeddingPreprocessor) {
        self.configuration = configuration
        self.preprocessor = preprocessor
    }

    /// Evaluates every configuration.
    /// - Parameters:
    ///   - dataset: Evaluation subjects only.
    ///   - progress: Called with short progress lines (never with data).
    /// - Returns: One result per configuration.
    /// - Throws: ``VaultError`` for unusable data or parameters.
    public func run(_ dataset: EmbeddingDataset, progress: @Sendable (String) -> Void = { _ in }) throws -> [EvaluationResult] {
        guard dataset.dimension == preprocessor.dimension else {
            throw VaultError(.dimensionMismatch, "data dimension \(dataset.dimension) does not match mean dimension \(preprocessor.dimension)")
        }
        let minSamples = dataset.subjects.map(\.samples.count).min() ?? 0
        for k in configuration.enrollSamples where k < 1 || k >= minSamples {
            throw VaultError(.invalidParameter, "--enroll-samples \(k) must be 1...\(minSamples - 1) (every subject needs a probe left over)")
        }
        for a in configuration.alphas where a < 1 || a > dataset.dimension {
            throw VaultError(.invalidParameter, "--alpha \(a) must be 1...\(dataset.dimension)")
        }
        let prepared = try dataset.subjects.map { try $0.samples.map { try preprocessor.prepare($0) } }
        var results: [EvaluationResult] = []
        let kdfMilliseconds = try measureKDF()
        for k in configuration.enrollSamples {
            progress("cosine baseline, k=\(k)")
            results.append(cosine(prepared, k: k, scheme: "cosine"))
            if k == configuration.enrollSamples.first {
                let raw = dataset.subjects.map { $0.samples.map(Self.normalised) }
                results.append(cosine(raw, k: k, scheme: "cosine-raw"))
            }
            for alpha in configuration.alphas {
                progress("ironmask alpha=\(alpha), k=\(k)")
                results += try protected(dataset, prepared, alpha: alpha, k: k, kdfMilliseconds: kdfMilliseconds, progress: progress)
            }
        }
        return results
    }

    /// Enrollment sets: (subject, start, sample indices) for every subject and start.
    func enrollments(_ sets: [[[Float]]], k: Int) -> [(subject: Int, indices: [Int])] {
        var out: [(Int, [Int])] = []
        for (s, samples) in sets.enumerated() {
            for r in 0..<samples.count { out.append((s, (0..<k).map { (r + $0) % samples.count })) }
        }
        return out
    }

    static func normalised(_ v: [Float]) -> [Float] {
        let norm = v.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    static func mean(_ vectors: [[Float]]) -> [Float] {
        var sum = [Float](repeating: 0, count: vectors[0].count)
        for v in vectors { for i in sum.indices { sum[i] += v[i] } }
        return normalised(sum)
    }

    func cosine(_ sets: [[[Float]]], k: Int, scheme: String) -> EvaluationResult {
        var genuine: [Double] = [], impostor: [Double] = []
        for (s, indices) in enrollments(sets, k: k) {
            let reference = Self.mean(indices.map { sets[s][$0] })
            for (s2, samples) in sets.enumerated() {
                for (j, probe) in samples.enumerated() where s2 != s || !indices.contains(j) {
                    let score = Double(zip(reference, probe).reduce(Float(0)) { $0 + $1.0 * $1.1 })
                    if s2 == s { genuine.append(score) } else { impostor.append(score) }
                }
            }
        }
        let rates = ErrorRates(genuine: genuine, impostor: impostor)
        let op3 = rates.operatingPoint(atFMR: 1e-3)
        var r = EvaluationResult(
            scheme: scheme, enrollSamples: k, genuineAttempts: genuine.count, impostorAttempts: impostor.count,
            genuineAccepts: genuine.filter { $0 >= op3.threshold }.count, falseAccepts: impostor.filter { $0 >= op3.threshold }.count
        )
        r.eer = rates.equalErrorRate
        r.tarAtFar1e2 = rates.operatingPoint(atFMR: 1e-2).tar
        r.tarAtFar1e3 = op3.tar
        r.templateBytes = 4 * (sets.first?.first?.count ?? 0)
        // D_sys of the unprotected references, as a check that the metric detects linkable data.
        var mated: [Double] = [], nonMated: [Double] = []
        for (a, b, same) in linkagePairs(sets, k: k) {
            let ra = Self.mean(a.indices.map { sets[a.subject][$0] }), rb = Self.mean(b.indices.map { sets[b.subject][$0] })
            let score = Double(zip(ra, rb).reduce(Float(0)) { $0 + $1.0 * $1.1 })
            if same { mated.append(score) } else { nonMated.append(score) }
        }
        let bins = Unlinkability.recommendedBins(mated: mated.count, nonMated: nonMated.count)
        r.dSys = Unlinkability.dSys(mated: mated, nonMated: nonMated, bins: bins)
        r.dSysNoiseFloor = Unlinkability.noiseFloor(nonMated: nonMated, bins: bins)
        r.linkagePairs = [mated.count, nonMated.count]
        return r
    }

    /// Mated pairs (same subject, enrollment sets as disjoint as k allows) and non-mated pairs, capped.
    func linkagePairs(_ sets: [[[Float]]], k: Int) -> [((subject: Int, indices: [Int]), (subject: Int, indices: [Int]), Bool)] {
        let cap = configuration.linkagePairs
        var mated: [((subject: Int, indices: [Int]), (subject: Int, indices: [Int]), Bool)] = []
        var nonMated = mated
        for r in 0..<(sets.map(\.count).max() ?? 0) {
            for (s, samples) in sets.enumerated() where r < samples.count {
                let m = samples.count
                let a = (subject: s, indices: (0..<k).map { (r + $0) % m })
                let b = (subject: s, indices: (0..<k).map { (r + k + $0) % m })
                if mated.count < cap { mated.append((a, b, true)) }
                for s2 in (s + 1)..<sets.count where nonMated.count < cap && r < sets[s2].count {
                    nonMated.append((a, (subject: s2, indices: (0..<k).map { (r + k + $0) % sets[s2].count }), false))
                }
            }
        }
        return mated + nonMated
    }
}
