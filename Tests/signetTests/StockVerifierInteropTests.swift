import SignetStore
import SignetService
import Foundation
import Logging
import GRDB
import SignetLog
import SignetServer
import SignetTesting
import Testing

/// Cross-checks the served log with a verifier built only on Go's golang.org/x/mod/sumdb/note
/// and sumdb/tlog packages (Interop/c2sp-verify), compiled offline from Debian's packages.
struct StockVerifierInteropTests {
    /// Builds the Go verifier once; `nil` (with a printed reason) when Go or x/mod is missing.
    static let verifier: URL? = {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Interop/c2sp-verify")
        let go = URL(fileURLWithPath: "/usr/bin/go")
        guard FileManager.default.isExecutableFile(atPath: go.path),
              FileManager.default.fileExists(atPath: "/usr/share/gocode/src/golang.org/x/mod/sumdb/tlog")
        else {
            print("⚠︎ StockVerifierInteropTests skipped: install golang-go and golang-golang-x-mod-dev (.ci/run does).")
            return nil
        }
        // One fixed path, rebuilt (from Go's cache) by each run: a fresh name per run left a
        // binary behind in the temporary directory every time.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("signet-c2sp-verify")
        var environment = ProcessInfo.processInfo.environment
        environment["GO111MODULE"] = "off"
        environment["GOPATH"] = "/usr/share/gocode"
        environment["GOCACHE"] = FileManager.default.temporaryDirectory.appendingPathComponent("signet-gocache").path
        let process = Process()
        process.executableURL = go
        process.arguments = ["build", "-o", output.path, "."]
        process.currentDirectoryURL = source
        process.environment = environment
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? output : nil
    }()

    static var enabled: Bool { verifier != nil }

    @Test(.enabled(if: enabled), arguments: [1, 255, 256, 257, 70_000])
    func goVerifierAcceptsServedLog(size: Int) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let opened = try await makeLedger(in: directory.path, entries: size)
        let ledger = opened.ledger
        let vkey = ledger.verifier.vkey
        let result = try await withServer(ledger) { url in
            try await runProcessAsync(Self.verifier!, ["-url", url, "-vkey", vkey])
        }
        await opened.close()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("OK interop.test/log \(size) "))
    }

    enum Tamper: String, CaseIterable, Sendable {
        case levelZeroTile, levelOneTile, entry
    }

    @Test(.enabled(if: enabled), arguments: Tamper.allCases)
    func goVerifierRejectsTamperedLog(_ tamper: Tamper) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let opened = try await makeLedger(in: directory.path, entries: 70_000)
        let ledger = opened.ledger
        let vkey = ledger.verifier.vkey
        // Edit the database underneath the running server, as a compromised host would.
        let connection = try DatabaseQueue(path: directory.path + "/signet.sqlite")
        switch tamper {
        case .levelZeroTile:
            try await connection.write { try $0.execute(sql: "UPDATE log_tiles SET data = zeroblob(8192) WHERE level = 0 AND idx = 100") }
        case .levelOneTile:
            try await connection.write { try $0.execute(sql: "UPDATE log_tiles SET data = zeroblob(8192) WHERE level = 1 AND idx = 0") }
        case .entry:
            try await connection.write { try $0.execute(sql: "UPDATE log_entries SET data = CAST('forged' AS BLOB) WHERE idx = 25601") }
        }
        try connection.close()
        let result = try await withServer(ledger) { url in
            try await runProcessAsync(Self.verifier!, ["-url", url, "-vkey", vkey])
        }
        await opened.close()
        #expect(result.status != 0)
        #expect(result.stderr.contains("FAIL"))
        // It must fail because of the tampering, not because the server was unreachable.
        #expect(!result.stderr.contains("Timeout") && !result.stderr.contains("connection refused"), "\(result.stderr)")
    }
}

extension StockVerifierInteropTests {
    static var postgresURL: String? { ProcessInfo.processInfo.environment["SIGNET_TEST_POSTGRES_URL"] }

    /// Two ledger instances append concurrently to one PostgreSQL database; the stock verifier
    /// accepts the one tree they built together, served by either instance.
    @Test(.enabled(if: enabled && postgresURL != nil, "needs Go and SIGNET_TEST_POSTGRES_URL"))
    func goVerifierAcceptsLogBuiltByTwoInstancesOnPostgres() async throws {
        let url = try await PostgresTestDatabase.create(from: try #require(Self.postgresURL))
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let configuration = LedgerConfiguration(dataDirectory: directory.path, origin: "two.interop.test/log")
        let openedA = try await TestLedger.open(configuration, store: .postgres(url: url))
        let openedB = try await TestLedger.open(configuration, store: .postgres(url: url))
        let (a, b) = (openedA.ledger, openedB.ledger)
        try await withThrowingTaskGroup(of: UInt64.self) { group in
            for i in 0..<600 {
                let ledger = i.isMultiple(of: 2) ? a : b
                group.addTask { try await ledger.append(Array("two \(i)".utf8)) }
            }
            try await group.waitForAll()
        }
        let vkey = a.verifier.vkey
        for ledger in [a, b] {
            let result = try await withServer(ledger) { url in try await runProcessAsync(Self.verifier!, ["-url", url, "-vkey", vkey]) }
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.hasPrefix("OK two.interop.test/log 600 "))
        }
        await openedA.close()
        await openedB.close()
    }
}
