import ArgumentParser
import Foundation
import SignetCore
import SignetLog
import SignetService
import SignetStore

/// Where the ledger lives; shared by `serve` and the `log` commands.
struct LedgerOptions: ParsableArguments {
    @Option(name: .customLong("data-dir"), help: "Data directory for the SQLite database and the log key (env SIGNET_DATA_DIR, default ./signet-data).")
    var dataDirectory: String?

    @Option(name: .customLong("origin"), help: "Checkpoint origin of a new log (env SIGNET_LOG_ORIGIN, default <hostname>/log). Fixed once the key exists.")
    var origin: String?

    @Option(name: .customLong("max-batch-size"), help: "Most entries per sequenced batch (env SIGNET_LOG_MAX_BATCH, default 1024).")
    var maxBatchSize: Int?

    @Option(name: .customLong("max-batch-delay-ms"), help: "Longest wait in milliseconds for a batch to fill (env SIGNET_LOG_MAX_DELAY_MS, default 1).")
    var maxDelayMilliseconds: Double?

    static let batchSize = Setting(flag: "--max-batch-size", variable: "SIGNET_LOG_MAX_BATCH", range: 1...65_536, defaultValue: 1024)
    static let batchDelay = Setting(flag: "--max-batch-delay-ms", variable: "SIGNET_LOG_MAX_DELAY_MS", range: 0...10_000, defaultValue: 1.0)

    func validate() throws {
        _ = try Self.batchSize.resolve(maxBatchSize)
        _ = try Self.batchDelay.resolveFinite(maxDelayMilliseconds)
    }

    /// The data directory from the flag, then the environment, then the default.
    var resolvedDataDirectory: String {
        dataDirectory ?? ProcessInfo.processInfo.environment["SIGNET_DATA_DIR"] ?? "signet-data"
    }

    /// Where the state lives: PostgreSQL when SIGNET_DATABASE_URL is set, else the data
    /// directory's SQLite file. The URL only comes from the environment so that passwords never
    /// sit in `ps` output.
    func storeConfiguration() -> StoreConfiguration {
        if let url = ProcessInfo.processInfo.environment["SIGNET_DATABASE_URL"], !url.isEmpty {
            return .postgres(url: url)
        }
        return .embedded(dataDirectory: resolvedDataDirectory)
    }

    /// Refuses a data directory, SQLite database or key that others can read or write: the
    /// database holds the activity secrets, the directory the keys. Files the server creates
    /// are private already (`serve` runs with umask 077).
    func requirePrivateState() throws {
        let directory = resolvedDataDirectory
        var paths = [(directory, "data directory")]
        if case .sqlite = storeConfiguration() {
            paths += ["signet.sqlite", "signet.sqlite-wal", "signet.sqlite-shm"].map { (directory + "/" + $0, "database file") }
        }
        for (path, what) in paths where FileManager.default.fileExists(atPath: path) {
            do { try SecretFile.requirePrivate(path, what: what) } catch let error as SecretFileError { throw ValidationError(error.reason) }
        }
    }

    /// The ledger's configuration from flags, then environment, then defaults.
    func configuration() throws -> LedgerConfiguration {
        let env = ProcessInfo.processInfo.environment
        var batch = SequencerConfiguration()
        batch.maxBatchSize = try Self.batchSize.resolve(maxBatchSize)
        // In range by now (0...10,000 ms), so the conversion to microseconds is exact enough and cannot trap.
        batch.maxDelay = .microseconds(Int64((try Self.batchDelay.resolveFinite(maxDelayMilliseconds) * 1000).rounded()))
        return LedgerConfiguration(
            dataDirectory: resolvedDataDirectory,
            origin: origin ?? env["SIGNET_LOG_ORIGIN"],
            sequencer: batch)
    }
}

/// Prints one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
