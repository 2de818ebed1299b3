import SignetService
import Foundation
import Hummingbird
import Logging
import SignetLog
import SignetServer
import SignetTesting

/// The `signet` executable built next to this test bundle.
var signetBinary: URL { builtExecutable("signet") }
/// The fuzz targets' corpus replayer (the normal build of `signet-fuzz`).
var fuzzReplayBinary: URL { builtExecutable("signet-fuzz") }

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

/// Opens a ledger in `directory` holding `count` synthetic entries.
func makeLedger(in directory: String, entries count: Int, origin: String = "interop.test/log") async throws -> TestLedger {
    let opened = try await TestLedger.open(LedgerConfiguration(dataDirectory: directory, origin: origin))
    let ledger = opened.ledger
    try await withThrowingTaskGroup(of: UInt64.self) { group in
        var next = 0
        while next < count {
            let end = min(count, next + 512)
            for i in next..<end { group.addTask { try await ledger.append(Array("entry \(i)".utf8)) } }
            try await group.waitForAll()
            next = end
        }
    }
    return opened
}

/// Serves `ledger` on a free loopback port while `body` runs.
func withServer<T: Sendable>(_ ledger: Ledger, service: SignetService? = nil, api: APIConfiguration = APIConfiguration(publicURL: nil),
                             _ body: @Sendable (String) async throws -> T) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    var logger = Logger(label: "test-server")
    logger.logLevel = .critical
    let app = SignetApplication.make(
        ledger: ledger, configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
        logger: logger, service: service, api: api) { port in continuation.yield(port) }
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
