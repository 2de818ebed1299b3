import Foundation
import Logging
import PostgresKit
import PostgresNIO
import SignetCore

/// Fixtures shared by the test targets (imported only by tests, like HummingbirdTesting).
///
/// A fresh PostgreSQL database for one test, so tests that reset the shared one cannot interfere.
public enum PostgresTestDatabase {
    /// Creates a database next to the one `url` names and returns its URL.
    public static func create(from url: String) async throws -> String {
        let name = "signet_t_" + Hex.encode((0..<6).map { _ in UInt8.random(in: 0...255) })
        let core = try SQLPostgresConfiguration(url: url).coreConfiguration
        let client = PostgresClient(configuration: .init(
            host: core.host ?? "127.0.0.1", port: core.port ?? 5432, username: core.username,
            password: core.password, database: core.database, tls: .disable), backgroundLogger: Logger(label: "t"))
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: Logger(label: "t"))
        let path = url.split(separator: "?", maxSplits: 1)
        let base = path[0][..<(path[0].lastIndex(of: "/") ?? path[0].endIndex)]
        return base + "/" + name + (path.count == 2 ? "?" + path[1] : "")
    }
}
