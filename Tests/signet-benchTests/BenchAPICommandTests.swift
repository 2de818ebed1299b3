import Foundation
import SignetTesting
import Testing

/// `signet-bench api` end to end, as a child process, with a tiny load and a cheap KDF.
struct BenchAPICommandTests {
    var benchBinary: URL { builtExecutable("signet-bench") }

    static var postgresURL: String? { ProcessInfo.processInfo.environment["SIGNET_TEST_POSTGRES_URL"] }

    /// The child's environment without a database URL, so the SQLite tests stay on SQLite.
    static var sqliteEnvironment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["SIGNET_DATABASE_URL"] = nil
        return environment
    }

    @Test func printsTheTableOnSQLite() async throws {
        // Sixteen in flight: before the SQLite write gate, more than two stalled the server until
        // the busy timeout (the ledger could not commit while identity writes held every
        // blocking-pool thread in SQLite's busy handler); --timeout turns a stall into a failure.
        let result = try await runProcessAsync(
            benchBinary, ["api", "--requests", "200", "--connections", "16", "--kdf-log2-n", "1", "--timeout", "20"],
            environment: Self.sqliteEnvironment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("200 requests, 16 connections"))
        #expect(result.stdout.contains(", SQLite\n"))
        #expect(result.stdout.contains("measurement"))
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("POST /v1/verifications (full path)") })
        // Every verification answered 200: the ops column counts only those.
        #expect(row.split(separator: " ").contains("200"), "\(row)")
        let device = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("POST /v1/verifications (device mode)") })
        #expect(device.split(separator: " ").contains("200"), "\(device)")
        #expect(!result.stderr.contains("were not 200"), "\(result.stderr)")
    }

    @Test(.enabled(if: postgresURL != nil, "needs SIGNET_TEST_POSTGRES_URL"))
    func printsTheTableOnTwoPostgresInstances() async throws {
        let url = try #require(Self.postgresURL)
        var environment = Self.sqliteEnvironment
        environment["SIGNET_DATABASE_URL"] = url
        let result = try await runProcessAsync(
            benchBinary, ["api", "--requests", "20", "--connections", "4", "--kdf-log2-n", "1"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(", PostgreSQL, 2 instances on one database\n"))
        let row = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("POST /v1/verifications (full path)") })
        #expect(row.split(separator: " ").contains("20"), "\(row)")
        #expect(!result.stderr.contains("could not drop"), "\(result.stderr)")
    }
}
