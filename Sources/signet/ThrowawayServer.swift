import Crypto
import Foundation
import Hummingbird
import Logging
import SignetServer
import SignetStore
import SignetVault

/// A complete Signet server (ledger and API) on a temporary SQLite store and a free loopback
/// port, for `signet demo` and `signet bench api`. Its data directory is removed on ``stop()``.
struct ThrowawayServer {
    /// Where clients reach it.
    let base: URL
    let ledger: Ledger
    let identities: SQLiteIdentityStorage
    private let templates: SQLiteTemplateStorage
    private let server: Task<Void, any Error>
    private let directory: String

    /// Starts the server and returns once it listens.
    /// - Parameter configuration: API settings; the public URL is ignored (each request's Host is used).
    static func start(origin: String, vault: VaultConfiguration, configuration: APIConfiguration = APIConfiguration(publicURL: nil)) async throws -> ThrowawayServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-throwaway-\(UUID().uuidString)").path
        var logger = Logger(label: "signet-throwaway")
        // Callers print their own output; server start/stop chatter would only confuse it.
        logger.logLevel = .critical
        let ledger = try await Ledger.open(LedgerConfiguration(dataDirectory: directory, origin: origin), logger: logger)
        let identities = try await SQLiteIdentityStorage.open(path: directory + "/signet.sqlite")
        let templates = try await SQLiteTemplateStorage.open(path: directory + "/signet.sqlite")
        var configuration = configuration
        configuration.publicAuthority = nil
        let api = APIServices(
            identities: identities, nonces: identities, activity: identities, templates: templates,
            permissions: identities, rateLimits: identities, results: await ResultSigner(privateKey: .init()),
            vault: vault, configuration: configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = SignetApplication.make(ledger: ledger, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: logger, api: api) {
            continuation.yield($0)
        }
        let server = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return ThrowawayServer(base: URL(string: "http://127.0.0.1:\(port)")!, ledger: ledger, identities: identities,
                               templates: templates, server: server, directory: directory)
    }

    /// Stops the server, closes every store and removes the data directory.
    func stop() async {
        server.cancel()
        _ = await server.result
        await identities.close()
        await templates.close()
        await ledger.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
