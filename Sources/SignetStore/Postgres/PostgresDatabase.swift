import Foundation
public import Logging
import PostgresKit
import PostgresNIO
import SignetCore

/// How Signet talks to PostgreSQL: never a silent fallback to plaintext.
///
/// - no `sslmode`: plaintext only to a loopback host; any other host means `verify-full`;
/// - `require`, `verify-ca`, `verify-full`: TLS with the certificate and host name verified
///   against the system's roots (stricter than libpq's `require`, which does not verify);
/// - `disable`: plaintext, as asked (with a warning for a non-loopback host);
/// - `allow` and `prefer` are refused: they fall back to plaintext without saying so.
enum PostgresTransport: Equatable {
    case plaintext
    case verifiedTLS

    init(url: String, host: String) throws {
        let mode = URLComponents(string: url)?.queryItems?.last { $0.name == "sslmode" }?.value
        switch mode {
        case nil: self = Self.isLoopback(host) ? .plaintext : .verifiedTLS
        case "disable": self = .plaintext
        case "require", "verify-ca", "verify-full": self = .verifiedTLS
        case "allow", "prefer":
            throw StoreError(.invalidConfiguration, "sslmode=\(mode!) falls back to plaintext without saying so; use sslmode=verify-full (or disable, for a trusted network)")
        case let other?:
            throw StoreError(.invalidConfiguration, "sslmode=\(other) is not one of disable, require, verify-ca, verify-full")
        }
    }

    /// An IPv4 address in 127.0.0.0/8, ::1, `localhost`, or a Unix socket directory. A host
    /// *name* that merely starts with "127." is not loopback.
    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("/") { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.first == "127"
            && octets.allSatisfy { $0.count <= 3 && $0.allSatisfy(\.isASCII) && UInt8($0) != nil }
    }
}

/// A migrated PostgreSQL connection pool: the stores made on it (``PostgresLogStorage``,
/// ``PostgresTemplateStorage``, …) query through it, and closing it closes them all.
public final class PostgresDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    private init(client: PostgresClient, runner: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.runner = runner
        self.logger = logger
    }

    /// Connects to the database named by a `postgres://user:password@host:port/database` URL
    /// and migrates the schema.
    /// - Throws: ``StoreError`` when the URL is malformed or the database cannot be reached.
    public static func connect(url: String, logger: Logger = Logger(label: "signet.store.postgres")) async throws -> PostgresDatabase {
        let parsed: SQLPostgresConfiguration
        do {
            parsed = try SQLPostgresConfiguration(url: url)
        } catch {
            throw StoreError(.invalidConfiguration, "SIGNET_DATABASE_URL is not a valid postgres:// URL")
        }
        let core = parsed.coreConfiguration
        guard let host = core.host else {
            throw StoreError(.invalidConfiguration, "the PostgreSQL URL must name a host")
        }
        let transport = try PostgresTransport(url: url, host: host)
        if transport == .plaintext && !PostgresTransport.isLoopback(host) {
            logger.warning("PostgreSQL connection without TLS to a non-loopback host (sslmode=disable): passwords and data cross the network in clear", metadata: ["host": "\(host)"])
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: core.port ?? 5432, username: core.username, password: core.password,
            database: core.database, tls: transport == .verifiedTLS ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = 8
        // Deliberate: the pool warns when it is used before `run()` has started, which is always
        // the case for the first query here; that warning is noise, real failures still throw.
        var backgroundLogger = logger
        backgroundLogger.logLevel = .error
        let client = PostgresClient(configuration: configuration, backgroundLogger: backgroundLogger)
        let runner = Task { await client.run() }
        do {
            try await PostgresSchema.migrate(client, logger: logger)
        } catch let error as StoreError {
            runner.cancel()
            throw error
        } catch {
            runner.cancel()
            throw StoreError(.unavailable, "cannot reach PostgreSQL at \(host): \(String(reflecting: error))")
        }
        return PostgresDatabase(client: client, runner: runner, logger: logger)
    }

    /// Stops the pool; every store made on this database must not be used afterwards.
    public func close() async { runner.cancel() }
}

/// One concept's store in PostgreSQL, on a connection pool that ``Stores`` opens and closes: the
/// log's writer and the templates each have a pool of their own, the other stores share one.
protocol PostgresStore: Sendable {
    init(database: PostgresDatabase)
    var database: PostgresDatabase { get }
}

extension PostgresStore {
    var client: PostgresClient { database.client }
    var logger: Logger { database.logger }
}
