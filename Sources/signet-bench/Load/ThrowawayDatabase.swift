import SignetClient
import Logging
import PostgresKit
import PostgresNIO
import SignetCore

/// A uniquely named PostgreSQL database next to the one a URL names, created for one bench run
/// and dropped at its end, so the bench never writes into a database someone else uses.
/// The URL's user needs the CREATEDB privilege.
struct ThrowawayDatabase {
    /// The URL of the new database (same server, user and options).
    let url: String
    /// Its name, `signet_bench_` and 12 hex digits.
    let name: String
    private let adminURL: String

    /// Creates the database.
    /// - Throws: when the server cannot be reached or refuses CREATE DATABASE.
    static func create(next url: String) async throws -> ThrowawayDatabase {
        let name = "signet_bench_" + Hex.encode((0..<6).map { _ in UInt8.random(in: 0...255) })
        try await execute("CREATE DATABASE \(name)", on: url)
        // Swap the path's database name, keep the query (sslmode and friends).
        let parts = url.split(separator: "?", maxSplits: 1)
        let base = parts[0][..<(parts[0].lastIndex(of: "/") ?? parts[0].endIndex)]
        return ThrowawayDatabase(url: base + "/" + name + (parts.count == 2 ? "?" + parts[1] : ""), name: name, adminURL: url)
    }

    /// Drops the database, closing connections that are still open (PostgreSQL 13 and later).
    func drop() async throws {
        try await Self.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: adminURL)
    }

    /// Runs one statement on its own short-lived connection pool.
    private static func execute(_ sql: String, on url: String) async throws {
        let core = try SQLPostgresConfiguration(url: url).coreConfiguration
        var logger = Logger(label: "signet-bench")
        logger.logLevel = .error
        let client = PostgresClient(configuration: .init(
            host: core.host ?? "127.0.0.1", port: core.port ?? 5432, username: core.username, password: core.password,
            database: core.database, tls: core.tls.isEnforced ? .require(.makeClientConfiguration()) : (core.tls.isAllowed ? .prefer(.makeClientConfiguration()) : .disable)),
            backgroundLogger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            _ = try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            group.cancelAll()
        }
    }
}
