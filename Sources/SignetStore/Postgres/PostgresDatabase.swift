import Logging
import PostgresKit
import PostgresNIO
import SignetCore

/// A migrated PostgreSQL connection pool that the PostgreSQL stores share code for.
final class PostgresDatabase: Sendable {
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    private init(client: PostgresClient, runner: Task<Void, Never>, logger: Logger) {
        self.client = client
        self.runner = runner
        self.logger = logger
    }

    /// Connects and migrates.
    /// - Throws: ``StoreError`` when the URL is malformed or the database cannot be reached.
    static func connect(url: String, logger: Logger) async throws -> PostgresDatabase {
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
        var configuration = PostgresClient.Configuration(
            host: host, port: core.port ?? 5432, username: core.username, password: core.password,
            database: core.database, tls: core.tls.isEnforced ? .require(.makeClientConfiguration()) : (core.tls.isAllowed ? .prefer(.makeClientConfiguration()) : .disable))
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

    /// Stops the pool.
    func close() async { runner.cancel() }
}

/// One concept's store in PostgreSQL (holders and parties, nonces, activity, permissions, rate
/// limits), all on one connection pool that ``Stores`` opens and closes.
protocol PostgresStore: Sendable {
    init(database: PostgresDatabase)
    var database: PostgresDatabase { get }
}

extension PostgresStore {
    var client: PostgresClient { database.client }
    var logger: Logger { database.logger }
}
