/// How the sequencer groups appends into batches.
public struct SequencerConfiguration: Sendable, Equatable {
    /// Most entries integrated in one transaction and one checkpoint.
    public var maxBatchSize: Int
    /// Longest an entry waits for more entries to join its batch before the batch is committed.
    public var maxDelay: Duration

    /// Creates a configuration.
    /// - Parameters:
    ///   - maxBatchSize: most entries per batch (default 1,024).
    ///   - maxDelay: longest wait for a batch to fill (default 1 ms).
    public init(maxBatchSize: Int = 1024, maxDelay: Duration = .milliseconds(1)) {
        self.maxBatchSize = max(1, maxBatchSize)
        self.maxDelay = maxDelay
    }
}
