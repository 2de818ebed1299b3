import Crypto
public import Foundation
import Hummingbird
import Logging
public import SignetService
public import SignetVault

/// A complete Signet server (ledger and API) on a free loopback port and a temporary data
/// directory, for `signet demo` and the benchmarks. Its data directory is removed on ``stop()``.
public struct ThrowawayServer: Sendable {
    /// Where clients reach it.
    public let base: URL
    /// The running workflows (the demo approves its party through them, as an operator would).
    public let service: SignetService
    private let server: Task<Void, any Error>
    private let directory: String

    /// The log key file; instances that share a PostgreSQL database must share it.
    public var logKeyPath: String { LedgerConfiguration(dataDirectory: directory).keyPath }

    /// Starts a server and returns once it listens.
    /// - Parameters:
    ///   - stores: opens the stores, given the temporary data directory (SignetStore's
    ///     `Stores.open`, on that directory's SQLite file or on a PostgreSQL database the caller owns).
    ///   - logKey: the ``logKeyPath`` of an instance already serving the same database, so both
    ///     sign one log with one key and issue consent tokens under one result key (the
    ///     `results.key` beside it); `nil` for the first instance.
    ///   - api: API settings; the public URL is ignored (each request's Host is used).
    public static func start(
        origin: String, vault: VaultConfiguration, configuration: ServiceConfiguration = ServiceConfiguration(),
        api: APIConfiguration = APIConfiguration(publicURL: nil), logKey: String? = nil,
        stores open: @Sendable (String) async throws -> Stores
    ) async throws -> ThrowawayServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-throwaway-\(UUID().uuidString)").path
        var logger = Logger(label: "signet-throwaway")
        // Start/stop chatter stays out of the caller's output unless LOG_LEVEL asks for it.
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        let ledgerConfiguration = LedgerConfiguration(dataDirectory: directory, origin: origin)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if let logKey {
            try FileManager.default.copyItem(atPath: logKey, toPath: ledgerConfiguration.keyPath)
            let results = URL(fileURLWithPath: logKey).deletingLastPathComponent().appendingPathComponent("results.key").path
            if FileManager.default.fileExists(atPath: results) {
                try FileManager.default.copyItem(atPath: results, toPath: ledgerConfiguration.resultKeyPath)
            }
        }
        let stores: Stores
        do {
            stores = try await open(directory)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        let service: SignetService
        do {
            let ledger = try await Ledger.open(ledgerConfiguration, storage: stores.log, logger: logger)
            service = SignetService(ledger: ledger, stores: stores, results: try await ResultSigner.loadOrCreate(path: ledgerConfiguration.resultKeyPath), vault: vault,
                                    configuration: configuration)
        } catch {
            await stores.close()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        var api = api
        api.publicAuthority = nil
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = SignetApplication.make(
            ledger: service.ledger, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: logger, service: service, api: api
        ) { continuation.yield($0) }
        // The stream ends when the server does, so a server that fails before it listens ends the wait.
        let server = Task {
            defer { continuation.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            let failure = await server.result
            await service.ledger.close()
            await stores.close()
            try? FileManager.default.removeItem(atPath: directory)
            if case .failure(let error) = failure { throw error }
            throw CancellationError()
        }
        service.publicURL.set("http://127.0.0.1:\(port)")
        return ThrowawayServer(base: URL(string: "http://127.0.0.1:\(port)")!, service: service, server: server, directory: directory)
    }

    /// Stops the server, closes the ledger and every store, and removes the data directory.
    public func stop() async {
        server.cancel()
        _ = await server.result
        await service.ledger.close()
        await service.stores.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
