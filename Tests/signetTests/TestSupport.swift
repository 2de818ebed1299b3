import Foundation
import Hummingbird
import Logging
import SignetLog
import SignetServer

/// The `signet` executable built next to this test bundle.
var signetBinary: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("signet")
}

/// A fresh temporary directory, removed by the caller with `cleanup()`.
struct TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("signet-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    var path: String { url.path }
    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Result of running a child process to completion.
struct ProcessResult {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs `executable` with `arguments` and optional standard input, and waits for it.
func runProcess(_ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil) throws -> ProcessResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let environment { process.environment = environment }
    let out = Pipe()
    let err = Pipe()
    let inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(input) }
    try inPipe.fileHandleForWriting.close()
    // Read both pipes fully before waiting so a chatty child never blocks on a full pipe.
    let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
    let stderrData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self), stderr: String(decoding: stderrData, as: UTF8.self))
}

/// Runs a child process off the cooperative thread pool, so that an in-process server keeps
/// answering while the child talks to it.
func runProcessAsync(_ executable: URL, _ arguments: [String], input: Data? = nil, environment: [String: String]? = nil) async throws -> ProcessResult {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread {
            continuation.resume(with: Result { try runProcess(executable, arguments, input: input, environment: environment) })
        }
    }
}

/// Opens a ledger in `directory` holding `count` synthetic entries.
func makeLedger(in directory: String, entries count: Int, origin: String = "interop.test/log") async throws -> Ledger {
    let ledger = try await Ledger.open(LedgerConfiguration(dataDirectory: directory, origin: origin), logger: Logger(label: "test"))
    try await withThrowingTaskGroup(of: UInt64.self) { group in
        var next = 0
        while next < count {
            let end = min(count, next + 512)
            for i in next..<end { group.addTask { try await ledger.append(Array("entry \(i)".utf8)) } }
            try await group.waitForAll()
            next = end
        }
    }
    return ledger
}

/// Serves `ledger` on a free loopback port while `body` runs.
func withServer<T: Sendable>(_ ledger: Ledger, api: APIServices? = nil, _ body: @Sendable (String) async throws -> T) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    var logger = Logger(label: "test-server")
    logger.logLevel = .critical
    let app = SignetApplication.make(
        ledger: ledger, configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
        logger: logger, api: api) { port in continuation.yield(port) }
    let server = Task { try await app.run() }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else { throw CancellationError() }
    do {
        let result = try await body("http://127.0.0.1:\(port)/log/")
        server.cancel()
        _ = await server.result
        return result
    } catch {
        server.cancel()
        _ = await server.result
        throw error
    }
}
