import SignetService
import SignetTesting
import Foundation
import Logging
import SignetLog
import SignetServer
import Testing

/// The `signet log` commands, run as a user would run them.
struct LogCommandTests {
    @Test func appendProveAndVerifyOffline() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let data = directory.path + "/data"
        let key = try runProcess(signetBinary, ["log", "key", "--data-dir", data, "--origin", "cli.test/log"])
        #expect(key.status == 0)
        let verifier = try NoteVerifier(vkey: key.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(verifier.name == "cli.test/log")

        let lines = (0..<300).map { "cli entry \($0)" }
        let appended = try runProcess(signetBinary, ["log", "append", "--data-dir", data], input: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(appended.status == 0, "\(appended.stderr)")
        var indexOfLine: [Int: UInt64] = [:]
        for line in appended.stdout.split(separator: "\n") {
            let parts = line.split(separator: " ")
            indexOfLine[Int(parts[1])!] = UInt64(parts[3])!
        }
        #expect(indexOfLine.count == 300)

        // An offline proof verifies with nothing but the entry and the verifier key.
        let index = try #require(indexOfLine[42])
        let proof = try runProcess(signetBinary, ["log", "prove", "--data-dir", data, "--index", String(index)])
        #expect(proof.status == 0)
        let parsed = try TlogProof(parsing: proof.stdout)
        #expect(try parsed.verify(entry: Array(lines[41].utf8), verifier: verifier).checkpoint.size == 300)
        #expect(throws: LogError.self) { try parsed.verify(entry: Array(lines[42].utf8), verifier: verifier) }

        let beyond = try runProcess(signetBinary, ["log", "prove", "--data-dir", data, "--index", "300"])
        #expect(beyond.status != 0)
        #expect(beyond.stderr.contains("not below tree size"))
    }

    @Test func checkReHashesTheWholeLogAndNeedsAnExistingOne() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let data = directory.path + "/data"
        #expect(try runProcess(signetBinary, ["log", "check", "--data-dir", data]).status != 0)
        _ = try runProcess(signetBinary, ["log", "append", "--data-dir", data, "--origin", "check.test/log"], input: Data("a\nb\nc\n".utf8))
        let result = try runProcess(signetBinary, ["log", "check", "--data-dir", data])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("all 3 entries and their tiles match the signed checkpoint"))
        // The state it leaves lets the next start check incrementally.
        #expect(FileManager.default.fileExists(atPath: data + "/log.verified"))
    }

    @Test func appendRefusesEmptyAndOversizedLinesButKeepsTheRest() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let oversized = String(repeating: "x", count: LogLimits.maxEntrySize + 1)
        let input = "first\n\n\(oversized)\nlast\n"
        let result = try runProcess(signetBinary, ["log", "append", "--data-dir", directory.path, "--origin", "cli.test/log"], input: Data(input.utf8))
        #expect(result.status != 0)
        #expect(result.stderr.contains("line 2: invalid_entry: log entries must not be empty"))
        #expect(result.stderr.contains("line 3: invalid_entry: log entries are limited to 65535 bytes"))
        #expect(result.stdout.split(separator: "\n").count == 2)
    }

    /// Runs `body` with a fresh ledger of `entries` entries, its verifier key and the file where
    /// `signet log verify` keeps its audit state; closes the ledger and removes the files after,
    /// also when `body` throws.
    static func withLedgerToAudit(
        entries: Int, _ body: (_ ledger: Ledger, _ vkey: String, _ state: String) async throws -> Void
    ) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanup() }
        let opened = try await makeLedger(in: directory.path + "/data", entries: entries)
        do {
            try await body(opened.ledger, opened.ledger.verifier.vkey, directory.path + "/audit.json")
        } catch {
            await opened.close()
            throw error
        }
        await opened.close()
    }

    @Test func verifyAuditsServedLogAndKeepsState() async throws {
        try await Self.withLedgerToAudit(entries: 1000) { ledger, vkey, state in
            let (first, second, wrongKey) = try await withServer(ledger) { url in
                let first = try await runProcessAsync(signetBinary, ["log", "verify", "--url", url, "--vkey", vkey, "--state", state])
                for i in 0..<300 { _ = try await ledger.append(Array("more \(i)".utf8)) }
                let second = try await runProcessAsync(signetBinary, ["log", "verify", "--url", url, "--vkey", vkey, "--state", state])
                let other = try NoteSigner(generatingFor: "interop.test/log").verifier.vkey
                let wrongKey = try await runProcessAsync(signetBinary, ["log", "verify", "--url", url, "--vkey", other])
                return (first, second, wrongKey)
            }
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.hasPrefix("OK interop.test/log size 1000 "))
            #expect(second.status == 0, "\(second.stderr)")
            #expect(second.stdout.contains("size 1300"))
            #expect(second.stdout.contains("consistent with previously verified size 1000"))
            #expect(wrongKey.status != 0)
            #expect(wrongKey.stderr.contains("verification FAILED"))
            let saved = try JSONDecoder().decode(AuditState.self, from: Data(contentsOf: URL(fileURLWithPath: state)))
            #expect(saved.size == 1300)
        }
    }

    @Test func verifyRefusesRollbackAgainstState() async throws {
        try await Self.withLedgerToAudit(entries: 10) { ledger, vkey, state in
            // A state claiming a bigger verified tree than the log now serves.
            let note = try await ledger.checkpointNote()
            let claimed = AuditState(origin: "interop.test/log", size: 20, root: RFC6962.emptyRoot.base64, checkpoint: note)
            try JSONEncoder().encode(claimed).write(to: URL(fileURLWithPath: state))
            let result = try await withServer(ledger) { url in
                try await runProcessAsync(signetBinary, ["log", "verify", "--url", url, "--vkey", vkey, "--state", state])
            }
            #expect(result.status != 0)
            #expect(result.stderr.contains("rollback"))
            // A failed audit never overwrites the state.
            #expect(try JSONDecoder().decode(AuditState.self, from: Data(contentsOf: URL(fileURLWithPath: state))).size == 20)
        }
    }

    @Test(arguments: [["log", "verify", "--url", "ftp://x", "--vkey", "a+b+c"], ["serve", "--port", "70000"], ["log", "append", "--concurrency", "0"]])
    func invalidArgumentsPrintUsageErrors(_ arguments: [String]) throws {
        let result = try runProcess(signetBinary, arguments)
        #expect(result.status == 64)
        #expect(result.stderr.contains("Error:"))
    }
}
