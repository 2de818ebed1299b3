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
        try await requireReachable(url)
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

    /// Fails at once, with a sentence saying what to do, when the server `url` names does not
    /// answer. Checked once per test process; later calls repeat the first answer.
    ///
    /// Deliberate: without it, a run with `SIGNET_TEST_POSTGRES_URL` set and PostgreSQL down spent
    /// about ten minutes in connection retries before any test failed.
    public static func requireReachable(_ url: String) async throws {
        try await PostgresReachability.shared.check(url)
    }
}

/// The PostgreSQL server is not there.
public struct PostgresUnreachable: Error, CustomStringConvertible {
    /// What failed and what to do.
    public let description: String
}

/// The one reachability answer of this test process.
actor PostgresReachability {
    static let shared = PostgresReachability()
    private var answer: PostgresUnreachable??

    func check(_ url: String) async throws {
        if answer == nil { answer = .some(await probe(url)) }
        if let failure = answer ?? nil { throw failure }
    }

    private func probe(_ url: String) async -> PostgresUnreachable? {
        guard let core = try? SQLPostgresConfiguration(url: url).coreConfiguration else {
            return PostgresUnreachable(description: "SIGNET_TEST_POSTGRES_URL is not a valid postgres:// URL")
        }
        let host = core.host ?? "127.0.0.1"
        let port = core.port ?? 5432
        var configuration = PostgresConnection.Configuration(
            host: host, port: port, username: core.username, password: core.password, database: core.database, tls: .disable)
        configuration.options.connectTimeout = .seconds(3)
        do {
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: Logger(label: "signet.test.preflight"))
            try await connection.close()
            return nil
        } catch {
            return PostgresUnreachable(description: """
                SIGNET_TEST_POSTGRES_URL is set, but PostgreSQL at \(host):\(port) did not accept a connection \
                (\(String(reflecting: error))). Start it (.ci/run shows how) or unset the variable to skip these tests.
                """)
        }
    }
}
