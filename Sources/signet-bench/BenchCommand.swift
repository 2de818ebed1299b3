import ArgumentParser
import Foundation

/// `signet-bench …`: performance measurements, each printed next to a baseline from the same run.
///
/// A tool of its own, so the shipped `signet` links no load generator.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "signet-bench", abstract: "Measure Signet's throughput and latency against in-run baselines.",
        subcommands: [BenchLogCommand.self, BenchServeCommand.self, BenchVaultCommand.self, BenchAPICommand.self, BenchMarketCommand.self, BenchDashboardCommand.self, BenchWatchCommand.self])
}

/// Prints one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Latency samples and their percentiles.
struct LatencySamples {
    private(set) var nanoseconds: [UInt64] = []

    mutating func append(_ duration: Duration) {
        nanoseconds.append(UInt64(duration.components.seconds) * 1_000_000_000 + UInt64(duration.components.attoseconds / 1_000_000_000))
    }

    mutating func append(contentsOf other: LatencySamples) { nanoseconds.append(contentsOf: other.nanoseconds) }

    /// The `p`-th percentile in milliseconds (nearest rank).
    func percentile(_ p: Double) -> Double {
        guard !nanoseconds.isEmpty else { return .nan }
        let sorted = nanoseconds.sorted()
        let rank = min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1))
        return Double(sorted[rank]) / 1e6
    }
}

/// One row of a benchmark table.
struct BenchRow {
    var name: String
    var operations: Int
    var seconds: Double
    var p50: Double?
    var p99: Double?

    var rate: Double { Double(operations) / seconds }
}

/// Prints rows as an aligned table with each rate's ratio to `baseline`.
func printTable(_ rows: [BenchRow], baseline: BenchRow) {
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    func lpad(_ s: String, _ n: Int) -> String { s.count >= n ? s : String(repeating: " ", count: n - s.count) + s }
    print(pad("measurement", 46) + lpad("ops", 10) + lpad("ops/s", 13) + lpad("p50 ms", 10) + lpad("p99 ms", 10) + lpad("× baseline", 12))
    for row in rows {
        let p50 = row.p50.map { String(format: "%.3f", $0) } ?? "-"
        let p99 = row.p99.map { String(format: "%.3f", $0) } ?? "-"
        print(pad(row.name, 46) + lpad("\(row.operations)", 10) + lpad(String(format: "%.0f", row.rate), 13)
              + lpad(p50, 10) + lpad(p99, 10) + lpad(String(format: "%.3f", row.rate / baseline.rate), 12))
    }
}
