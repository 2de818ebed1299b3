import Foundation
import Testing
@testable import SignetVault
import SignetCore

struct VaultEvaluatorTests {
    static func dataset(subjects: Int = 6, samples: Int = 4, n: Int = 48, noise: Float = 0.3) throws -> EmbeddingDataset {
        var synthetic = Synthetic(seed: 77)
        let offset = synthetic.unit(n).map { $0 * 3 }  // a cone: centring is needed
        let sets = synthetic.dataset(subjects: subjects, samples: samples, dimension: n, noise: noise, offset: offset)
        return try EmbeddingDataset(subjects: sets.enumerated().map { EmbeddingDataset.Subject(label: "s\($0.offset)", samples: $0.element) })
    }

    @Test(arguments: [1, 2])
    func countsAttemptsPerTheProtocol(k: Int) throws {
        let data = try Self.dataset()
        let (training, evaluation) = try data.split(trainingSubjects: 2)
        let pre = try EmbeddingPreprocessor.learn(from: training.flatMap(\.samples), version: "t")
        let config = EvaluationConfiguration(alphas: [4], enrollSamples: [k], listSizes: [1, 4], includeFloat16: true, kdf: .insecureTesting, linkagePairs: 20, seed: 1)
        let results = try VaultEvaluator(configuration: config, preprocessor: pre).run(evaluation)
        // 4 subjects × 4 templates; genuine: 4 − k probes each; impostor: 12 probes each.
        let cosine = try #require(results.first { $0.scheme == "cosine" })
        #expect(cosine.genuineAttempts == 16 * (4 - k))
        #expect(cosine.impostorAttempts == 16 * 12)
        let protected = results.filter { $0.scheme == "ironmask" }
        #expect(protected.count == 4)  // 2 list sizes × 2 encodings
        for r in protected {
            #expect(r.genuineAttempts == 16 * (4 - k) && r.impostorAttempts == 16 * 12)
            #expect(r.falseAccepts == 0)
            #expect(r.tar > 0.5)
            #expect(abs((r.nominalBits ?? 0) - SecurityEstimate.nominalBits(dimension: 48, alpha: 4)) < 1e-9)
            #expect((r.templateBytes ?? 0) == 120 + 48 * 48 * (r.helperEncoding == "float16" ? 2 : 4) + 32)
        }
        let l1 = try #require(protected.first { $0.listSize == 1 && $0.helperEncoding == "float32" })
        let l4 = try #require(protected.first { $0.listSize == 4 && $0.helperEncoding == "float32" })
        #expect(l4.genuineAccepts >= l1.genuineAccepts)
    }

    @Test func seededRunsAreReproducible() throws {
        let data = try Self.dataset()
        let pre = try EmbeddingPreprocessor.learn(from: data.subjects[0].samples, version: "t")
        let (_, evaluation) = try data.split(trainingSubjects: 1)
        let config = EvaluationConfiguration(alphas: [6], enrollSamples: [1], kdf: .insecureTesting, linkagePairs: 10, seed: 9)
        let a = try VaultEvaluator(configuration: config, preprocessor: pre).run(evaluation)
        let b = try VaultEvaluator(configuration: config, preprocessor: pre).run(evaluation)
        #expect(a.map(\.genuineAccepts) == b.map(\.genuineAccepts))
    }

    @Test func refusesEnrollSamplesThatLeaveNoProbe() throws {
        let data = try Self.dataset()
        let pre = try EmbeddingPreprocessor.identity(dimension: 48)
        let config = EvaluationConfiguration(alphas: [4], enrollSamples: [4], kdf: .insecureTesting)
        #expect(throws: VaultError(.invalidParameter, "")) { try VaultEvaluator(configuration: config, preprocessor: pre).run(data) }
    }

    @Test func unprotectedReferencesAreLinkableProtectedTemplatesAreNot() throws {
        let data = try Self.dataset(subjects: 12, samples: 4, n: 32, noise: 0.2)
        let pre = try EmbeddingPreprocessor.identity(dimension: 32)
        let config = EvaluationConfiguration(alphas: [4], enrollSamples: [1], kdf: .insecureTesting, linkagePairs: 48, seed: 3)
        let results = try VaultEvaluator(configuration: config, preprocessor: pre).run(data)
        let cosine = try #require(results.first { $0.scheme == "cosine" })
        let protected = try #require(results.first { $0.scheme == "ironmask" })
        #expect((cosine.dSys ?? 0) > 0.9)
        #expect((protected.dSys ?? 1) < (cosine.dSys ?? 0))
    }
}

struct EvaluationJSONTests {
    @Test func everyResultCarriesTheRequiredKeysIncludingTheBaseline() throws {
        let data = try VaultEvaluatorTests.dataset()
        let (training, evaluation) = try data.split(trainingSubjects: 2)
        let pre = try EmbeddingPreprocessor.learn(from: training.flatMap(\.samples), version: "t")
        let config = EvaluationConfiguration(alphas: [4], kdf: .insecureTesting, linkagePairs: 10, seed: 1)
        let results = try VaultEvaluator(configuration: config, preprocessor: pre).run(evaluation)
        let report = EvaluationReport(dimension: 48, evaluationSubjects: 4, trainingSubjects: 2, preprocessing: "t", results: results, notes: [])
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        let rows = try #require(json?["results"] as? [[String: Any]])
        #expect(rows.contains { $0["scheme"] as? String == "cosine" })
        #expect(rows.contains { $0["scheme"] as? String == "ironmask" })
        for row in rows {
            for key in ["scheme", "alpha", "enroll_samples", "genuine_attempts", "impostor_attempts", "tar", "far", "nominal_bits"] {
                #expect(row.keys.contains(key), "missing \(key)")
            }
        }
    }
}
