import Crypto
import Foundation
import SignetCore
import SignetLog
import SignetService
import SignetTesting
import Testing

/// `signet watch` from outside: the auction pattern found on what the public log shows, each
/// run reading only what was added, and a log that rolled back refused.
struct WatchCommandTests {
    static let t0: Int64 = 1_790_000_000

    /// A holder's `use` entry for `party` at `time` (pseudonym and commitment are opaque to outsiders).
    static func use(_ party: String, at time: Int64, _ n: Int) -> [UInt8] {
        let bytes = Array(SHA256.hash(data: Array("\(party) \(time) \(n)".utf8)))
        return LedgerEvent(kind: .use, time: time, party: party, pseudonym: bytes, commitment: bytes.reversed()).entry()
    }

    @Test func anAuctionRingIsFoundFromThePublicLogAndLaterRunsReadOnlyWhatWasAdded() async throws {
        try await LogCommandTests.withLedgerToAudit(entries: 300) { ledger, vkey, state in
            // Established parties, then a ring admitted at once, then honest traffic and the ring's burst.
            let honest = (0..<3).map { "p_honest\($0)AAAAAAAAAAAAAA" }
            let ring = (0..<4).map { "p_ring\($0)AAAAAAAAAAAAAAAA" }
            for party in honest { _ = try await ledger.append(LedgerEvent(kind: .approve, time: Self.t0 - 30 * 86_400, party: party).entry()) }
            for party in ring { _ = try await ledger.append(LedgerEvent(kind: .approve, time: Self.t0 - 3600, party: party).entry()) }
            for second in 0..<120 {
                _ = try await ledger.append(Self.use(honest[second % 3], at: Self.t0 + Int64(second), second))
            }
            let (first, second, third) = try await withServer(ledger) { url in
                let first = try await runProcessAsync(signetBinary, ["watch", "--url", url, "--vkey", vkey, "--state", state])
                let second = try await runProcessAsync(signetBinary, ["watch", "--url", url, "--vkey", vkey, "--state", state])
                for n in 0..<24 { _ = try await ledger.append(Self.use(ring[n % 4], at: Self.t0 + 200 + Int64(n / 8), n)) }
                let third = try await runProcessAsync(signetBinary, ["watch", "--url", url, "--vkey", vkey, "--state", state])
                return (first, second, third)
            }
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains(": 427 new entries, 0 findings"), "\(first.stdout)")
            #expect(second.stdout.contains(": 0 new entries, 0 findings"), "\(second.stdout)")
            #expect(third.status == 0, "\(third.stderr)")
            #expect(third.stdout.contains("finding auction") && third.stdout.contains(ring[0]), "\(third.stdout)")
            #expect(!honest.contains { third.stdout.contains($0) })
            #expect(third.stdout.contains(": 24 new entries, 1 findings"), "\(third.stdout)")
        }
    }

    @Test func aStateFromABiggerLogIsARollback() async throws {
        try await LogCommandTests.withLedgerToAudit(entries: 10) { ledger, vkey, state in
            let claimed = AuditState(origin: "interop.test/log", size: 20, root: RFC6962.emptyRoot.base64, checkpoint: try await ledger.checkpointNote())
            struct Memory: Encodable { let log: AuditState; let admitted: [String: Int64] = [:]; let recent: [Int] = []; let reported: [String: Int64] = [:] }
            try JSONEncoder().encode(Memory(log: claimed)).write(to: URL(fileURLWithPath: state))
            let result = try await withServer(ledger) { url in
                try await runProcessAsync(signetBinary, ["watch", "--url", url, "--vkey", vkey, "--state", state])
            }
            #expect(result.status != 0 && result.stderr.contains("rollback"), "\(result.stderr)")
        }
    }
}
