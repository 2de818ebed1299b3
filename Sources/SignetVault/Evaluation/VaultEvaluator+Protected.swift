#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension VaultEvaluator {
    /// Milliseconds per KDF evaluation at the configured cost (mean of three).
    func measureKDF() throws -> Double {
        var rng = DeterministicGenerator(seed: 7)
        let codeword = Codeword.random(dimension: 128, alpha: 8, using: &rng)
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<3 { _ = try CodewordKey.publicKey(for: codeword, salt: [UInt8](repeating: 1, count: 32), kdf: configuration.kdf) }
        }
        return Self.milliseconds(elapsed) / 3
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1e3 + Double(d.components.attoseconds) * 1e-15
    }

    func protected(
        _ dataset: EmbeddingDataset, _ prepared: [[[Float]]], alpha: Int, k: Int, kdfMilliseconds: Double,
        progress: @Sendable (String) -> Void
    ) throws -> [EvaluationResult] {
        if let seed = configuration.seed {
            var rng = DeterministicGenerator(seed: seed &+ UInt64(alpha) &* 1_000 &+ UInt64(k))
            return try protected(dataset, prepared, alpha: alpha, k: k, kdfMilliseconds: kdfMilliseconds, progress: progress, rng: &rng)
        }
        var rng = SystemRandomNumberGenerator()
        return try protected(dataset, prepared, alpha: alpha, k: k, kdfMilliseconds: kdfMilliseconds, progress: progress, rng: &rng)
    }

    private func protected<R: RandomNumberGenerator>(
        _ dataset: EmbeddingDataset, _ prepared: [[[Float]]], alpha: Int, k: Int, kdfMilliseconds: Double,
        progress: @Sendable (String) -> Void, rng: inout R
    ) throws -> [EvaluationResult] {
        let n = dataset.dimension
        let listSizes = configuration.listSizes.sorted()
        let maxList = listSizes.last ?? 1
        let scheme = try IronMask(parameters: IronMaskParameters(alpha: alpha, kdf: .insecureTesting, listSize: maxList), preprocessor: preprocessor)
        let encodings: [HelperEncoding] = configuration.includeFloat16 ? [.float32, .float16] : [.float32]
        // accepted[encoding][listIndex] = (genuine, impostor)
        var genuineAccepts = Array(repeating: Array(repeating: 0, count: listSizes.count), count: encodings.count)
        var falseAccepts = genuineAccepts
        var genuineAttempts = 0, impostorAttempts = 0
        let pairs = linkagePairs(prepared, k: k)
        var needed = Set<[Int]>()
        for (a, b, _) in pairs {
            needed.insert([a.subject, a.indices[0]])
            needed.insert([b.subject, b.indices[0]])
        }
        var kept: [[Int]: [Float]] = [:]
        var enrollTime = Duration.zero
        var templateBytes = 0
        var y = [Float](repeating: 0, count: n)
        let clock = ContinuousClock()
        let all = enrollments(prepared, k: k)
        for (count, (s, indices)) in all.enumerated() {
            if count % 50 == 0 { progress("  alpha=\(alpha) k=\(k): template \(count + 1)/\(all.count)") }
            var codeword = Codeword.random(dimension: n, alpha: alpha, using: &rng)
            defer { codeword.zeroize() }
            let samples = indices.map { dataset.subjects[s].samples[$0] }
            var template: ProtectedTemplate?
            enrollTime += try clock.measure {
                template = try scheme.enroll(samples: samples, codeword: codeword, kdf: nil, using: &rng)
            }
            guard let f32 = template else { continue }
            templateBytes = f32.serializedByteCount
            if needed.contains([s, indices[0]]) { kept[[s, indices[0]]] = f32.helper }
            let variants = encodings.map { encoding in
                encoding == .float32 ? f32 : ProtectedTemplate(
                    dimension: n, alpha: alpha, kdf: f32.kdf, salt: f32.salt, publicKey: f32.publicKey,
                    preprocessorFingerprint: f32.preprocessorFingerprint, helperEncoding: encoding, helper: f32.helper)
            }
            for (s2, probes) in prepared.enumerated() {
                for (j, x) in probes.enumerated() where s2 != s || !indices.contains(j) {
                    if s2 == s { genuineAttempts += 1 } else { impostorAttempts += 1 }
                    for (e, variant) in variants.enumerated() {
                        let list = scheme.decode(prepared: x, template: variant, into: &y, listSize: maxList)
                        guard let rank = list.firstIndex(of: codeword) else { continue }
                        for (l, size) in listSizes.enumerated() where rank < size {
                            if s2 == s { genuineAccepts[e][l] += 1 } else { falseAccepts[e][l] += 1 }
                        }
                    }
                }
            }
        }
        let verifyMicroseconds = try measureVerify(scheme: scheme, dataset: dataset, rng: &rng)
        progress("  alpha=\(alpha) k=\(k): linkage (\(pairs.count) pairs)")
        var scoresByLinkage: [String: (mated: [Double], nonMated: [Double])] = ["max_entry": ([], []), "sparse_power": ([], [])]
        for (a, b, same) in pairs {
            guard let p1 = kept[[a.subject, a.indices[0]]], let p2 = kept[[b.subject, b.indices[0]]] else { continue }
            let scores = ["max_entry": Linkage.maxEntry(p1, p2, n: n), "sparse_power": Linkage.sparsePower(p1, p2, n: n, alpha: alpha)]
            for (name, score) in scores {
                if same { scoresByLinkage[name]?.mated.append(score) } else { scoresByLinkage[name]?.nonMated.append(score) }
            }
        }
        let bins = Unlinkability.recommendedBins(mated: scoresByLinkage["max_entry"]?.mated.count ?? 0, nonMated: scoresByLinkage["max_entry"]?.nonMated.count ?? 0)
        let dSysByLinkage = scoresByLinkage.mapValues { Unlinkability.dSys(mated: $0.mated, nonMated: $0.nonMated, bins: bins) }
        let floor = scoresByLinkage.values.map { Unlinkability.noiseFloor(nonMated: $0.nonMated, bins: bins) }.max()
        let matedCount = scoresByLinkage["max_entry"]?.mated.count ?? 0
        let nonMatedCount = scoresByLinkage["max_entry"]?.nonMated.count ?? 0
        var results: [EvaluationResult] = []
        for (e, encoding) in encodings.enumerated() {
            for (l, size) in listSizes.enumerated() {
                var r = EvaluationResult(
                    scheme: "ironmask", enrollSamples: k, genuineAttempts: genuineAttempts, impostorAttempts: impostorAttempts,
                    genuineAccepts: genuineAccepts[e][l], falseAccepts: falseAccepts[e][l])
                r.alpha = alpha
                r.listSize = size
                r.helperEncoding = encoding == .float32 ? "float32" : "float16"
                r.nominalBits = SecurityEstimate.nominalBits(dimension: n, alpha: alpha)
                r.falseAcceptSearchBits = SecurityEstimate.falseAcceptBits(falseAccepts: r.falseAccepts, attempts: impostorAttempts) - log2(Double(size))
                r.kdf = configuration.kdf.summary
                r.kdfMillisecondsPerGuess = kdfMilliseconds
                r.templateBytes = encoding == .float32 ? templateBytes : templateBytes - 2 * n * n
                r.enrollMilliseconds = Self.milliseconds(enrollTime) / Double(max(all.count, 1))
                r.verifyMicroseconds = verifyMicroseconds
                r.dSys = dSysByLinkage.values.max()
                r.dSysByLinkage = dSysByLinkage
                r.dSysNoiseFloor = floor
                r.linkagePairs = [matedCount, nonMatedCount]
                results.append(r)
            }
        }
        return results
    }

    /// Microseconds per verification without the KDF: prepare, P·x and decode (list size 1).
    private func measureVerify<R: RandomNumberGenerator>(scheme: IronMask, dataset: EmbeddingDataset, rng: inout R) throws -> Double {
        let subject = dataset.subjects[0]
        let template = try scheme.enroll(samples: [subject.samples[0]], codeword: Codeword.random(dimension: dataset.dimension, alpha: scheme.parameters.alpha, using: &rng), kdf: nil, using: &rng)
        let probes = dataset.subjects.flatMap(\.samples)
        var x = [Float](repeating: 0, count: dataset.dimension)
        var y = x
        let repetitions = max(1, 20_000 / probes.count)
        var sink = 0
        let elapsed = try ContinuousClock().measure {
            for _ in 0..<repetitions {
                for p in probes {
                    try preprocessor.prepare(p, into: &x)
                    sink &+= scheme.decode(prepared: x, template: template, into: &y, listSize: 1)[0].indices[0]
                }
            }
        }
        precondition(sink >= 0)
        return Self.milliseconds(elapsed) * 1e3 / Double(repetitions * probes.count)
    }
}
