import SignetStore
import SignetService
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SignetServer

/// `signet-bench serve`: tile and bundle serving under `wrk`, next to a static file and a
/// trivial route served by the same server in the same run.
struct BenchServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Benchmark tile serving with wrk against a static 8 KiB file and a trivial route on the same server.",
        discussion: "Needs wrk (apt-get install wrk). Build with -c release for meaningful numbers.")

    @Option(help: "Seconds per target (default 5).")
    var seconds = 5

    @Option(help: "Concurrent connections (default 64).")
    var connections = 64

    @Option(help: "Entries in the benchmark log (default 70000).")
    var entries = 70_000

    func validate() throws {
        guard (1...600).contains(seconds), (1...10_000).contains(connections), (256...10_000_000).contains(entries) else {
            throw ValidationError("--seconds 1...600, --connections 1...10000, --entries 256...10000000")
        }
    }

    func run() async throws {
        guard let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            printError("signet-bench: wrk is not installed (apt-get install wrk)")
            throw ExitCode.failure
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-bench-serve-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let staticDirectory = directory + "/static"
        try FileManager.default.createDirectory(atPath: staticDirectory, withIntermediateDirectories: true)
        try Data(repeating: 0x5a, count: 8192).write(to: URL(fileURLWithPath: staticDirectory + "/tile.bin"))

        var logger = Logger(label: "signet-bench")
        logger.logLevel = .error
        let stores = try await Stores.open(.embedded(dataDirectory: directory + "/data"))
        let ledger = try await Ledger.open(LedgerConfiguration(dataDirectory: directory + "/data", origin: "bench.example/log"), storage: stores.log, logger: logger)
        try await withThrowingTaskGroup(of: UInt64.self) { group in
            for i in 0..<entries { group.addTask { try await ledger.append(Array("bench entry \(i)".utf8)) } }
            try await group.waitForAll()
        }
        let router = Router(context: SignetRequestContext.self)
        router.add(middleware: FileMiddleware(staticDirectory, urlBasePath: "/static", logger: logger))
        SignetApplication.registerRoutes(on: router, ledger: ledger)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = SignetApplication.make(
            ledger: ledger, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: logger, router: router
        ) { continuation.yield($0) }
        let server = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ExitCode.failure }

        print("signet-bench serve: \(ProcessInfo.processInfo.activeProcessorCount) cores, wrk -t1 -c\(connections) -d\(seconds)s, log of \(entries) entries")
        let targets = [
            ("baseline: trivial route /healthz", "/healthz"),
            ("baseline: static 8 KiB file (FileMiddleware)", "/static/tile.bin"),
            ("full tile /log/tile/0/000 (8 KiB)", "/log/tile/0/000"),
            ("partial tile /log/tile/1/001.p/17", "/log/tile/1/001.p/17"),
            ("entry bundle /log/tile/entries/000", "/log/tile/entries/000"),
            ("checkpoint /log/checkpoint", "/log/checkpoint"),
        ]
        var rows: [BenchRow] = []
        for (name, path) in targets {
            let result = try await runWrk(wrk, url: "http://127.0.0.1:\(port)\(path)")
            rows.append(BenchRow(name: name, operations: result.requests, seconds: Double(seconds), p50: result.p50, p99: result.p99))
        }
        server.cancel()
        _ = await server.result
        await ledger.close()
        await stores.close()
        print("")
        printTable(rows, baseline: rows[1])
    }

    /// Runs wrk off the cooperative pool and parses requests, p50 and p99 (ms).
    func runWrk(_ wrk: String, url: String) async throws -> (requests: Int, p50: Double?, p99: Double?) {
        let arguments = ["-t1", "-c\(connections)", "-d\(seconds)s", "--latency", url]
        let output: String = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: wrk)
                process.arguments = arguments
                let pipe = Pipe()
                process.standardOutput = pipe
                process.standardError = FileHandle.nullDevice
                do {
                    try process.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: String(decoding: data, as: UTF8.self))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        var requests = 0
        var p50: Double?
        var p99: Double?
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if fields.count >= 2, fields[1] == "requests", let n = Int(fields[0]) { requests = n }
            if fields.count == 2, fields[0] == "50%" { p50 = Self.milliseconds(fields[1]) }
            if fields.count == 2, fields[0] == "99%" { p99 = Self.milliseconds(fields[1]) }
            if line.contains("Non-2xx") { printError("signet-bench: \(url): \(line.trimmingCharacters(in: .whitespaces))") }
        }
        return (requests, p50, p99)
    }

    static func milliseconds(_ text: Substring) -> Double? {
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(suffix) {
            return Double(text.dropLast(suffix.count)).map { $0 * scale }
        }
        return nil
    }
}
