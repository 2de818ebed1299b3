import Testing
@testable import SignetVault

/// Regression checks on real face embeddings (Fixtures/DevFaces.swift): the mean comes from
/// s01–s04 and everything is measured on s05–s08.
struct RealFacesTests {
    static func split() throws -> (training: [EmbeddingDataset.Subject], evaluation: EmbeddingDataset) {
        try EmbeddingCSV.parse(DevFaces.csv).split(trainingSubjects: 4)
    }

    static func run(_ preprocessor: EmbeddingPreprocessor, _ evaluation: EmbeddingDataset) throws -> EvaluationResult {
        let config = EvaluationConfiguration(alphas: [8], enrollSamples: [1], kdf: .insecureTesting, linkagePairs: 0, seed: 2026)
        return try #require(try VaultEvaluator(configuration: config, preprocessor: preprocessor).run(evaluation).first { $0.scheme == "ironmask" })
    }

    /// Raw dlib vectors sit in a narrow cone: without centring almost every impostor decodes to
    /// the enrolled codeword. With a mean learned on other people, none does.
    @Test func centringOnOtherPeopleIsWhatSeparatesImpostors() throws {
        let (training, evaluation) = try Self.split()
        let raw = try Self.run(EmbeddingPreprocessor.identity(dimension: 128), evaluation)
        let centred = try Self.run(EmbeddingPreprocessor.learn(from: training.flatMap(\.samples), version: "s01-s04"), evaluation)
        #expect(raw.impostorAttempts == 40 * 30)
        #expect(Double(raw.falseAccepts) > 0.5 * Double(raw.impostorAttempts))
        #expect(centred.falseAccepts == 0)
        #expect(centred.tar > 0.5)
    }

    @Test func realEmbeddingsRoundTripThroughEnrollmentSerializationAndVerification() throws {
        let (training, evaluation) = try Self.split()
        let scheme = try IronMask(
            parameters: IronMaskParameters(alpha: 8, kdf: .insecureTesting, listSize: 4),
            preprocessor: EmbeddingPreprocessor.learn(from: training.flatMap(\.samples), version: "s01-s04"))
        var rng = DeterministicGenerator(seed: 5)
        let person = evaluation.subjects[0].samples, other = evaluation.subjects[1].samples
        let stored = try scheme.enroll(samples: Array(person[0..<5]), using: &rng).serializedBytes()
        let template = try ProtectedTemplate(serializedBytes: stored)
        let accepted = try person[5...].filter { try scheme.verify(probe: $0, against: template) == .accepted }.count
        #expect(accepted >= 3)
        for probe in other { #expect(try scheme.verify(probe: probe, against: template) == .rejected) }
    }
}
