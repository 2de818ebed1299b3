import SignetCore

/// Throughput and latency of plain cosine matching against protected verification, single-threaded.
public enum VaultBenchmark {
    /// One measured operation.
    public struct Measurement: Sendable, Codable {
        /// What was measured.
        public var name: String
        /// Operations per second (one thread).
        public var throughput: Double
        /// Median latency in microseconds.
        public var p50Microseconds: Double
        /// 99th-percentile latency in microseconds.
        public var p99Microseconds: Double
        /// Operations timed.
        public var operations: Int

        enum CodingKeys: String, CodingKey {
            case name, throughput, operations
            case p50Microseconds = "p50_us"
            case p99Microseconds = "p99_us"
        }
    }

    /// Benchmark settings.
    public struct Configuration: Sendable {
        /// Embedding dimension n.
        public var dimension: Int
        /// α.
        public var alpha: Int
        /// Distinct enrolled templates cycled through (more than fit in cache is realistic).
        public var templates: Int
        /// Verifications timed per measurement.
        public var operations: Int
        /// KDF timed separately.
        public var kdf: KDFParameters
        /// KDF evaluations timed.
        public var kdfOperations: Int

        /// Creates settings.
        /// - Parameters:
        ///   - dimension: n.
        ///   - alpha: α.
        ///   - templates: Template pool size.
        ///   - operations: Timed verifications.
        ///   - kdf: KDF cost.
        ///   - kdfOperations: Timed KDF evaluations.
        public init(dimension: Int = 512, alpha: Int = 8, templates: Int = 64, operations: Int = 50_000, kdf: KDFParameters = .production, kdfOperations: Int = 5) {
            self.dimension = dimension
            self.alpha = alpha
            self.templates = templates
            self.operations = operations
            self.kdf = kdf
            self.kdfOperations = kdfOperations
        }
    }

    /// Runs the benchmark on synthetic unit embeddings (seeded, reproducible).
    /// - Parameters:
    ///   - configuration: Settings.
    ///   - progress: Short progress lines.
    /// - Returns: Measurements: cosine, protected (Float32 P) and protected (Float16 P) verify on
    ///   one cache-resident template and on the pool, then the KDF.
    /// - Throws: ``VaultError`` for bad settings.
    public static func run(_ configuration: Configuration, progress: @Sendable (String) -> Void = { _ in }) throws -> [Measurement] {
        let n = configuration.dimension
        guard configuration.templates >= 1, configuration.operations >= 100 else {
            throw VaultError(.invalidParameter, "need at least 1 template and 100 operations")
        }
        var rng = DeterministicGenerator(seed: 42)
        var gaussian = GaussianSampler<DeterministicGenerator>()
        func randomVector() -> [Float] { (0..<n).map { _ in Float(gaussian.next(using: &rng)) } }
        let preprocessor = try EmbeddingPreprocessor.identity(dimension: n)
        let scheme = try IronMask(parameters: IronMaskParameters(alpha: configuration.alpha, kdf: .insecureTesting), preprocessor: preprocessor)
        progress("enrolling \(configuration.templates) templates at n=\(n)")
        var templates: [ProtectedTemplate] = []
        var halfTemplates: [ProtectedTemplate] = []
        var references: [[Float]] = []
        for _ in 0..<configuration.templates {
            let v = randomVector()
            references.append(try preprocessor.prepare(v))
            let codeword = Codeword.random(dimension: n, alpha: configuration.alpha, using: &rng)
            let t = try scheme.enroll(samples: [v], codeword: codeword, kdf: nil, using: &rng)
            templates.append(t)
            halfTemplates.append(ProtectedTemplate(
                dimension: n, alpha: t.alpha, kdf: t.kdf, salt: t.salt, publicKey: t.publicKey,
                preprocessorFingerprint: t.preprocessorFingerprint, helperEncoding: .float16, helper: t.helper32))
        }
        let probes = (0..<256).map { _ in randomVector() }
        var x = [Float](repeating: 0, count: n)
        var y = x
        var sink = 0.0
        var results: [Measurement] = []
        for (label, pool) in [("1 template (cache-resident)", 1), ("\(configuration.templates) templates", configuration.templates)] {
            progress("cosine, \(label)")
            results.append(try measure("cosine verify, \(label)", operations: configuration.operations) { i in
                try preprocessor.prepare(probes[i & 255], into: &x)
                let r = references[i % pool]
                sink += Double(x.withUnsafeBufferPointer { a in r.withUnsafeBufferPointer { b in MatrixVector.dot(a, b) } })
            })
            progress("protected, \(label)")
            results.append(try measure("protected verify (no KDF), \(label)", operations: configuration.operations) { i in
                try preprocessor.prepare(probes[i & 255], into: &x)
                sink += Double(scheme.decode(prepared: x, template: templates[i % pool], into: &y, listSize: 1)[0].indices[0])
            })
            progress("protected float16, \(label)")
            results.append(try measure("protected verify float16 P (no KDF), \(label)", operations: configuration.operations) { i in
                try preprocessor.prepare(probes[i & 255], into: &x)
                sink += Double(scheme.decode(prepared: x, template: halfTemplates[i % pool], into: &y, listSize: 1)[0].indices[0])
            })
        }
        progress("KDF \(configuration.kdf.summary)")
        let codeword = Codeword.random(dimension: n, alpha: configuration.alpha, using: &rng)
        results.append(try measure("KDF \(configuration.kdf.summary) + Ed25519 key", operations: configuration.kdfOperations) { _ in
            sink += Double(try CodewordKey.publicKey(for: codeword, salt: templates[0].salt, kdf: configuration.kdf)[0])
        })
        if sink.isNaN { progress("") }  // keeps the optimiser from discarding the work
        return results
    }

    private static func measure(_ name: String, operations: Int, _ body: (Int) throws -> Void) throws -> Measurement {
        let clock = ContinuousClock()
        for i in 0..<min(operations, 1_000) { try body(i) }  // warm-up
        var latencies = [Duration](repeating: .zero, count: operations)
        let start = clock.now
        for i in 0..<operations {
            let t0 = clock.now
            try body(i)
            latencies[i] = clock.now - t0
        }
        let total = clock.now - start
        latencies.sort()
        func us(_ d: Duration) -> Double { VaultEvaluator.milliseconds(d) * 1e3 }
        return Measurement(
            name: name, throughput: Double(operations) / (us(total) / 1e6),
            p50Microseconds: us(latencies[operations / 2]), p99Microseconds: us(latencies[min(operations - 1, operations * 99 / 100)]),
            operations: operations)
    }
}
