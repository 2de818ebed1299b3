import Foundation
import Testing

/// `signet bench api` end to end, as a child process, with a tiny load and a cheap KDF.
struct BenchAPICommandTests {
    static var postgresURL: String? { ProcessInfo.processInfo.environment["SIGNET_TEST_POSTGRES_URL"] }

    /// The child's environment without a database URL, so the SQLite tests stay on SQLite.
    static var sqliteEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SIGNET_DATABASE_URL"] = nil
        return environment
    }

    @Test func printsTheTableOnSQLite() async throws {
        // Two connections: more stall the SQLite store (see knownStallOnSQLite).
        let result = try await runProcessAsync(
            signetBinary, ["bench", "api", "--requests", "20", "--connections", "2", "--kdf-log2-n", "1"], environment: Self.sqliteEnvironment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("20 requests, 2 connections"))
        #expect(result.stdout.contains(", SQLite\n"))
        #expect(result.stdout.contains("measurement"))
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("POST /v1/verifications (full path)") })
        // Every verification answered 200: the ops column counts only those.
        #expect(row.split(separator: " ").contains("20"), "\(row)")
        #expect(!result.stderr.contains("were not 200"), "\(result.stderr)")
    }

    @Test(.enabled(if: postgresURL != nil, "needs SIGNET_TEST_POSTGRES_URL"))
    func printsTheTableOnTwoPostgresInstances() async throws {
        let url = try #require(Self.postgresURL)
        var environment = Self.sqliteEnvironment
        environment["SIGNET_DATABASE_URL"] = url
        let result = try await runProcessAsync(
            signetBinary, ["bench", "api", "--requests", "20", "--connections", "4", "--kdf-log2-n", "1"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(", PostgreSQL, 2 instances on one database\n"))
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("POST /v1/verifications (full path)") })
        #expect(row.split(separator: " ").contains("20"), "\(row)")
        #expect(!result.stderr.contains("could not drop"), "\(result.stderr)")
    }

    /// With more than two requests in flight the in-process SQLite stores wait on each other's
    /// write lock from NIO's blocking pool (two threads on two cores) and stall until the busy
    /// timeout. The bench reports the stall instead of hanging.
    @Test func knownStallOnSQLite() async throws {
        let result = try await runProcessAsync(
            signetBinary, ["bench", "api", "--requests", "20", "--connections", "4", "--kdf-log2-n", "1", "--timeout", "3"],
            environment: Self.sqliteEnvironment)
        if result.status != 0 {
            #expect(result.stderr.contains("the server stalled"), "\(result.stderr)")
        }
        withKnownIssue("SQLite store stalls with more than two requests in flight", isIntermittent: true) {
            #expect(result.status == 0, "\(result.stderr)")
        }
    }
}
