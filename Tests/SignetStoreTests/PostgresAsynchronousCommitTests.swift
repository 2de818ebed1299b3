import SignetTesting
import Logging
import PostgresNIO
@testable import SignetStore
import Testing

/// The rate-limit statements commit without waiting for their WAL flush; that relaxation must
/// stay inside the statement, or the ledger's commits on the same pooled connection would lose
/// their durability.
struct PostgresAsynchronousCommitTests {
    @Test(.enabled(if: Backend.postgresURL != nil, "needs SIGNET_TEST_POSTGRES_URL"))
    func theRelaxedCommitEndsWithItsStatement() async throws {
        try await PostgresGate.shared.run {
            let store = try await PostgresDatabase.connect(url: Backend.postgresURL!, logger: Logger(label: "test"))
            let logger = store.logger
            let (during, after) = try await store.client.withConnection { connection in
                var during = ""
                for try await (_, setting) in try await connection.query(
                    "SELECT \(unescaped: PostgresRateLimitStorage.asynchronousCommit), current_setting('synchronous_commit')", logger: logger
                ).decode((String, String).self) {
                    during = setting
                }
                var after = ""
                for try await setting in try await connection.query("SELECT current_setting('synchronous_commit')", logger: logger).decode(String.self) {
                    after = setting
                }
                return (during, after)
            }
            await store.close()
            #expect(during == "off")
            #expect(after == "on")
        }
    }
}
