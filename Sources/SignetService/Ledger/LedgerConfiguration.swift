public import SignetLog

/// Where the ledger's key lives and how it batches (its entries live in ``Stores/log``).
public struct LedgerConfiguration: Sendable {
    /// The data directory: the log key (and, on the embedded default, the SQLite database).
    public var dataDirectory: String
    /// The checkpoint origin; `nil` uses the origin stored with the key, or the default for a new key.
    public var origin: String?
    /// Sequencer batching.
    public var sequencer: SequencerConfiguration
    /// Whether a missing log key starts a new log (`signet serve`); `false` for commands that
    /// act on an existing deployment's log (`signet admin`), which refuse instead.
    public var createsKey = true

    /// Creates a configuration; every field has a working default.
    public init(
        dataDirectory: String = "signet-data", origin: String? = nil,
        sequencer: SequencerConfiguration = .init()
    ) {
        self.dataDirectory = dataDirectory
        self.origin = origin
        self.sequencer = sequencer
    }

    /// The log key file inside the data directory.
    public var keyPath: String { dataDirectory + "/log.key" }
    /// The verification-result key file inside the data directory.
    public var resultKeyPath: String { dataDirectory + "/results.key" }
}
