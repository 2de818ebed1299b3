import SignetCore

/// Labelled embeddings for evaluation: subjects in file order, each with its samples.
public struct EmbeddingDataset: Sendable {
    /// One person and their samples.
    public struct Subject: Sendable {
        /// The subject label from the file.
        public let label: String
        /// Raw embeddings, in file order.
        public let samples: [[Float]]

        /// Creates a subject.
        public init(label: String, samples: [[Float]]) {
            self.label = label
            self.samples = samples
        }
    }

    /// Subjects in order of first appearance.
    public let subjects: [Subject]
    /// Embedding dimension.
    public let dimension: Int

    /// Creates a dataset and checks it is usable for evaluation.
    /// - Parameter subjects: Subjects with at least two samples each, all of one dimension.
    /// - Throws: ``VaultError`` `insufficientSamples` or `dimensionMismatch`.
    public init(subjects: [Subject]) throws {
        guard let first = subjects.first?.samples.first else { throw VaultError(.insufficientSamples, "dataset is empty") }
        for s in subjects {
            guard s.samples.count >= 2 else {
                throw VaultError(.insufficientSamples, "subject \(s.label) has \(s.samples.count) sample(s); at least 2 are needed")
            }
            guard s.samples.allSatisfy({ $0.count == first.count }) else {
                throw VaultError(.dimensionMismatch, "subject \(s.label) has samples of a different dimension")
            }
        }
        self.subjects = subjects
        self.dimension = first.count
    }

    /// Splits off the first `count` subjects (file order) for training.
    /// - Parameter count: Training subjects; the rest are for evaluation.
    /// - Returns: (training, evaluation).
    /// - Throws: ``VaultError`` `invalidParameter` unless at least two subjects remain for evaluation.
    public func split(trainingSubjects count: Int) throws -> (training: [Subject], evaluation: EmbeddingDataset) {
        guard count >= 1, subjects.count - count >= 2 else {
            throw VaultError(.invalidParameter, "--train-subjects must leave at least 2 of \(subjects.count) subjects for evaluation")
        }
        return (Array(subjects[0..<count]), try EmbeddingDataset(subjects: Array(subjects[count...])))
    }
}
