import SignetAuth
import Crypto
import Foundation
import Hummingbird
import Logging
import SignetMarket
import SignetServer
import SignetStore
import SignetVault

/// The stores one API server needs from a single identity backend.
typealias ThrowawayIdentityStore = IdentityStorage & NonceStorage & HolderActivityStorage & PermissionStorage & RateLimitStorage & VerificationAdmission

/// A complete Signet server (ledger and API) on a free loopback port, for `signet demo` and
/// `signet bench api`: on a temporary SQLite store, or on a PostgreSQL database the caller
/// owns. Its data directory is removed on ``stop()``.
struct ThrowawayServer<Identities: ThrowawayIdentityStore> {
    /// Where clients reach it.
    let base: URL
    let ledger: Ledger
    let identities: Identities
    /// Closes the identity and template stores.
    private let closeStores: @Sendable () async -> Void
    private let server: Task<Void, any Error>
    private let directory: String

    /// The log key file; instances that share a PostgreSQL database must share it.
    var logKeyPath: String { LedgerConfiguration(dataDirectory: directory).keyPath }

    /// Serves an opened ledger and stores, and returns once the server listens.
    private static func serve(
        ledger: Ledger, identities: Identities, templates: any TemplateStorage, closeStores: @escaping @Sendable () async -> Void,
        vault: VaultConfiguration, configuration: APIConfiguration, directory: String, logger: Logger
    ) async throws -> ThrowawayServer {
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
                               closeStores: closeStores, server: server, directory: directory)
    }

    /// A fresh data directory name and a logger that keeps start/stop chatter out of the
    /// caller's output (unless LOG_LEVEL asks for it, to diagnose a failing run).
    private static func scratch() -> (directory: String, logger: Logger) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("signet-throwaway-\(UUID().uuidString)").path
        var logger = Logger(label: "signet-throwaway")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return (directory, logger)
    }

    /// Stops the server, closes every store and removes the data directory.
    func stop() async {
        server.cancel()
        _ = await server.result
        await closeStores()
        await ledger.close()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

extension ThrowawayServer where Identities == SQLiteIdentityStorage {
    /// Starts a server on a temporary SQLite store and returns once it listens.
    /// - Parameter configuration: API settings; the public URL is ignored (each request's Host is used).
    static func start(origin: String, vault: VaultConfiguration, configuration: APIConfiguration = APIConfiguration(publicURL: nil)) async throws -> ThrowawayServer {
        let (directory, logger) = scratch()
        let ledger = try await Ledger.open(LedgerConfiguration(dataDirectory: directory, origin: origin), logger: logger)
        let identities = try await SQLiteIdentityStorage.open(path: directory + "/signet.sqlite")
        let templates = try await SQLiteTemplateStorage.open(path: directory + "/signet.sqlite")
        return try await serve(ledger: ledger, identities: identities, templates: templates, closeStores: {
            await identities.close()
            await templates.close()
        },
                               vault: vault, configuration: configuration, directory: directory, logger: logger)
    }
}

extension ThrowawayServer where Identities == PostgresIdentityStorage {
    /// Starts one instance on a PostgreSQL database and returns once it listens. The database
    /// itself is the caller's to create and drop; only the data directory (log key) is temporary.
    /// - Parameters:
    ///   - databaseURL: a `postgres://` URL.
    ///   - logKey: the ``logKeyPath`` of an instance already serving this database, so both
    ///     sign the one log with the same key; `nil` for the first instance.
    ///   - configuration: API settings; the public URL is ignored (each request's Host is used).
    static func start(
        origin: String, vault: VaultConfiguration, configuration: APIConfiguration = APIConfiguration(publicURL: nil),
        databaseURL: String, logKey: String? = nil
    ) async throws -> ThrowawayServer {
        let (directory, logger) = scratch()
        let ledgerConfiguration = LedgerConfiguration(dataDirectory: directory, databaseURL: databaseURL, origin: origin)
        if let logKey {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.copyItem(atPath: logKey, toPath: ledgerConfiguration.keyPath)
        }
        let ledger = try await Ledger.open(ledgerConfiguration, logger: logger)
        let identities = try await PostgresIdentityStorage.connect(url: databaseURL, logger: logger)
        let templates = try await PostgresTemplateStorage.connect(url: databaseURL, logger: logger)
        return try await serve(ledger: ledger, identities: identities, templates: templates, closeStores: {
            await identities.close()
            await templates.close()
        },
                               vault: vault, configuration: configuration, directory: directory, logger: logger)
    }
}
