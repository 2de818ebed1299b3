import ArgumentParser
import Crypto
import Foundation
import Logging
import NIOCore
import GRDB
import SignetLog
import SignetServer
import SignetStore

/// `signet-bench log`: durable append throughput and latency, next to raw SHA-256 and plain
/// SQLite inserts measured in the same run.
struct BenchLogCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Benchmark the ledger: durable appends with 1, 16 and 256 appenders vs SHA-256 and plain SQLite inserts.",
        discussion: "Set SIGNET_DATABASE_URL to also measure PostgreSQL. Build with -c release for meaningful numbers.")

    @Option(help: "Seconds per measurement (default 3).")
    var seconds: Double = 3

    @Option(help: "Comma-separated appender counts (default 1,16,256).")
    var appenders: String = "1,16,256"

    @Option(help: "Entry size in bytes (default 128).")
    var entrySize: Int = 128

    @Option(help: "Sequencer max batch size (default 1024).")
    var maxBatchSize: Int = 1024

    @Option(help: "Sequencer max batch delay in milliseconds (default 1).")
    var maxBatchDelayMs: Double = 1

    func validate() throws {
        guard seconds > 0, seconds <= 600 else { throw ValidationError("--seconds must be in (0, 600]") }
        guard (1...LogLimits.maxEntrySize).contains(entrySize) else { throw ValidationError("--entry-size must be 1...65535") }
        guard !appenderCounts.isEmpty, appenderCounts.allSatisfy({ (1...4096).contains($0) }) else {
            throw ValidationError("--appenders must be a list of counts between 1 and 4096")
        }
    }

    var appenderCounts: [Int] { appenders.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let entry = [UInt8](repeating: 0x61, count: entrySize)
        print("signet-bench log: \(ProcessInfo.processInfo.activeProcessorCount) cores, entry \(entrySize) B, \(seconds) s per row, batch ≤ \(maxBatchSize), delay ≤ \(maxBatchDelayMs) ms")

        let hashing = measureHashing(entry: entry)
        var rows = [hashing]
        rows.append(try await measurePlainInserts(path: directory + "/plain.sqlite", entry: entry, rowsPerCommit: 1024, label: "baseline: SQLite INSERT, 1024 rows per commit"))
        rows.append(try await measurePlainInserts(path: directory + "/plain256.sqlite", entry: entry, rowsPerCommit: 256, label: "baseline: SQLite INSERT, 256 rows per commit"))
        rows.append(try await measurePlainInserts(path: directory + "/plain1.sqlite", entry: entry, rowsPerCommit: 1, label: "baseline: SQLite INSERT, 1 row per commit"))
        let plainBatched = rows[1]
        for count in appenderCounts {
            let storage = try await SQLiteLogStorage.open(path: directory + "/ledger-\(count).sqlite")
            rows.append(try await measureAppends(storage: storage, appenders: count, entry: entry, label: "ledger append, SQLite, \(count) appenders"))
            await storage.close()
        }
        if let url = ProcessInfo.processInfo.environment["SIGNET_DATABASE_URL"], !url.isEmpty {
            for count in appenderCounts {
                let database = try await PostgresDatabase.connect(url: url)
                let storage = PostgresLogStorage(database: database)
                try await storage.testingOnlyReset()
                rows.append(try await measureAppends(storage: storage, appenders: count, entry: entry, label: "ledger append, PostgreSQL, \(count) appenders"))
                await database.close()
            }
        } else {
            print("(PostgreSQL rows skipped: SIGNET_DATABASE_URL is not set)")
        }
        print("")
        print("ratios against raw SHA-256 leaf hashing:")
        printTable(rows, baseline: hashing)
        print("")
        print("ratios against plain batched SQLite inserts, 1024 rows per commit (target ≥ 0.5):")
        printTable(rows.filter { $0.name.hasPrefix("ledger") }, baseline: plainBatched)
        print("")
        print("ratios against plain SQLite inserts, 256 rows per commit (the largest batch 256 appenders can form):")
        printTable(rows.filter { $0.name.hasPrefix("ledger") }, baseline: rows[2])
    }

    /// Raw RFC 9162 leaf hashing on one core.
    func measureHashing(entry: [UInt8]) -> BenchRow {
        let clock = ContinuousClock()
        let start = clock.now
        var count = 0
        var sink: UInt8 = 0
        while clock.now - start < .seconds(seconds) {
            for _ in 0..<1000 { sink ^= RFC6962.leafHash(entry).bytes[0] }
            count += 1000
        }
        let elapsed = clock.now - start
        if sink == 0xff { print("") }  // keeps the work observable
        return BenchRow(name: "baseline: SHA-256 leaf hash (1 core)", operations: count, seconds: elapsed.seconds)
    }

    /// Plain inserts into a two-column table through the same library, `rowsPerCommit` per transaction.
    func measurePlainInserts(path: String, entry: [UInt8], rowsPerCommit: Int, label: String) async throws -> BenchRow {
        let database = try DatabaseQueue(path: path)
        try await database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "CREATE TABLE t (idx INTEGER PRIMARY KEY, data BLOB NOT NULL)")
        }
        let clock = ContinuousClock()
        let start = clock.now
        var next = 0
        let perStatement = min(rowsPerCommit, 512)
        let data = Data(entry)
        while clock.now - start < .seconds(seconds) {
            let first = next
            try await database.write { db in
                var written = 0
                while written < rowsPerCommit {
                    let n = min(perStatement, rowsPerCommit - written)
                    let placeholders = Array(repeating: "(?, ?)", count: n).joined(separator: ", ")
                    let statement = try db.cachedStatement(sql: "INSERT INTO t (idx, data) VALUES " + placeholders)
                    var values: [(any DatabaseValueConvertible)?] = []
                    for i in 0..<n {
                        values.append(first + written + i)
                        values.append(data)
                    }
                    try statement.execute(arguments: StatementArguments(values))
                    written += n
                }
            }
            next += rowsPerCommit
        }
        let elapsed = clock.now - start
        try database.close()
        return BenchRow(name: label, operations: next, seconds: elapsed.seconds)
    }

    /// `appenders` tasks appending back to back until the time is up; each append waits for durability.
    func measureAppends(storage: any LogStorage, appenders: Int, entry: [UInt8], label: String) async throws -> BenchRow {
        let signer = try NoteSigner(generatingFor: "bench.example/log")
        let configuration = SequencerConfiguration(maxBatchSize: maxBatchSize, maxDelay: .microseconds(Int64(maxBatchDelayMs * 1000)))
        let sequencer = Sequencer(storage: storage, signer: signer, configuration: configuration)
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(seconds)
        let start = clock.now
        let samples = try await withThrowingTaskGroup(of: LatencySamples.self) { group in
            for _ in 0..<appenders {
                group.addTask {
                    var local = LatencySamples()
                    while clock.now < deadline {
                        let t0 = clock.now
                        _ = try await sequencer.append(entry)
                        local.append(clock.now - t0)
                    }
                    return local
                }
            }
            var all = LatencySamples()
            for try await local in group { all.append(contentsOf: local) }
            return all
        }
        let elapsed = clock.now - start
        let report = try await LogIntegrity.check(storage: storage, verifier: signer.verifier)
        guard report.checkpoint?.checkpoint.size == UInt64(samples.nanoseconds.count) else {
            throw ValidationError("benchmark log does not verify")
        }
        return BenchRow(name: label, operations: samples.nanoseconds.count, seconds: elapsed.seconds,
                        p50: samples.percentile(50), p99: samples.percentile(99))
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

