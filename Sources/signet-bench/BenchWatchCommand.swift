import ArgumentParser
import Crypto
import Foundation
import SignetLog
import SignetStore
import SignetWatch

/// `signet-bench watch`: observations the watch's detector takes per second on one core, next
/// to the ledger's full append rate (SQLite, 256 appenders) measured in the same run: the
/// detector must keep up with everything the ledger can record.
struct BenchWatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "The watch's observations per second (attempts, refusals, probe fingerprints) next to the ledger's append rate.")

    @Option(help: "Seconds per measurement.") var seconds = 2.0
    @Option(help: "Probe dimension for the fingerprint rows.") var dimension = 512

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-bench-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let log = try BenchLogCommand.parse(["--seconds", String(seconds)])
        let storage = try await SQLiteLogStorage.open(path: directory + "/ledger.sqlite")
        let appends = try await log.measureAppends(storage: storage, appenders: 256, entry: [UInt8](repeating: 0x61, count: 160),
                                                   label: "baseline: ledger append, SQLite, 256 appenders")
        await storage.close()

        // A marketplace's mix: 1,000 established parties and 50 new ones over 100,000 holders.
        var generator = SystemRandomNumberGenerator()
        let start = Date()
        let parties = (0..<1050).map { "p_\($0)" }
        let holders = (0..<100_000).map { "h_\($0)" }
        var detector = WatchDetector()
        for party in parties.suffix(50) { _ = detector.observe(Observation(.admitted, party: party, at: start)) }
        var step = 0.0
        let attempts = measure("detector: attempts (burst, auction)") {
            step += 0.0001
            let party = parties[Int.random(in: 0..<parties.count, using: &generator)]
            _ = detector.observe(Observation(.attempt, party: party, subject: holders[Int.random(in: 0..<holders.count, using: &generator)],
                                             at: start.addingTimeInterval(step)))
        }
        let refusals = measure("detector: refused attempts (unconsented)") {
            step += 0.0001
            _ = detector.observe(Observation(.refused, party: parties[Int.random(in: 0..<parties.count, using: &generator)], at: start.addingTimeInterval(step)))
        }
        let fingerprinter = ProbeFingerprinter(key: SymmetricKey(size: .bits256))
        let probes = (0..<256).map { _ in (0..<dimension).map { _ in Float.random(in: -1...1, using: &generator) } }
        var next = 0
        let fingerprints = measure("fingerprint of a \(dimension)-number probe") {
            next += 1
            _ = fingerprinter.fingerprint(probes[next % probes.count])
        }
        let marks = (0..<200_000).map { _ in (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) } }
        var counter = 0
        let lookups = measure("detector: probe (replay and honey lookups)") {
            counter += 1
            step += 0.0001
            _ = detector.observe(Observation(.probe(fingerprint: marks[counter % marks.count]), party: parties[counter % parties.count],
                                             subject: holders[counter % holders.count], at: start.addingTimeInterval(step)))
        }
        print("signet-bench watch: detector on one core, \(seconds) s per measurement; the ledger with 256 appenders on this machine")
        printTable([appends, attempts, refusals, lookups, fingerprints], baseline: appends)
    }

    /// Runs `work` in batches of 100 for `seconds`; latency per call from each batch's mean.
    private func measure(_ name: String, _ work: () -> Void) -> BenchRow {
        let clock = ContinuousClock()
        var samples = LatencySamples()
        var count = 0
        let start = clock.now
        while clock.now - start < .seconds(seconds) {
            let batch = clock.now
            for _ in 0..<100 { work() }
            samples.append((clock.now - batch) / 100)
            count += 100
        }
        return BenchRow(name: name, operations: count, seconds: (clock.now - start).seconds, p50: samples.percentile(50), p99: samples.percentile(99))
    }
}
