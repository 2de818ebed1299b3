import SignetLog

/// Where the ledger lives and how it batches.
public struct LedgerConfiguration: Sendable {
    /// The data directory: SQLite database and log key.
    public var dataDirectory: String
    /// A `postgres://` URL; when set, entries live in PostgreSQL instead of SQLite.
    public var databaseURL: String?
    /// The checkpoint origin; `nil` uses the origin stored with the key, or the default for a new key.
    public var origin: String?
    /// Sequencer batching.
    public var sequencer: SequencerConfiguration

    /// Creates a configuration; every field has a working default.
    public init(
        dataDirectory: String = "signet-data", databaseURL: String? = nil, origin: String? = nil,
        sequencer: SequencerConfiguration = .init()
    ) {
        self.dataDirectory = dataDirectory
        self.databaseURL = databaseURL
        self.origin = origin
        self.sequencer = sequencer
    }

    /// The log key file inside the data directory.
    public var keyPath: String { dataDirectory + "/log.key" }
    /// The SQLite database file inside the data directory.
    public var sqlitePath: String { dataDirectory + "/signet.sqlite" }
}
