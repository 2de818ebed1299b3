import SignetService
import Foundation
import Logging
import GRDB
import SignetLog
import SignetServer
import SignetTesting
import Testing
import SignetCore

struct LedgerStartupTests {
    func directory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("signet-ledger-\(UUID().uuidString)").path
    }

    @Test func createsPrivateKeyOnFirstStartAndKeepsIt() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try await TestLedger.open(LedgerConfiguration(dataDirectory: dir, origin: "start.test/log"))
        let vkey = first.ledger.verifier.vkey
        await first.close()
        let mode = try FileManager.default.attributesOfItem(atPath: dir + "/log.key")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // A restart without --origin keeps the stored origin and key.
        let second = try await TestLedger.open(LedgerConfiguration(dataDirectory: dir))
        #expect(second.ledger.verifier.vkey == vkey)
        await second.close()
    }

    @Test func refusesAnotherOriginForAnExistingKey() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await (try await TestLedger.open(LedgerConfiguration(dataDirectory: dir, origin: "a.test/log"))).close()
        await #expect(throws: ServiceError.self) {
            try await TestLedger.open(LedgerConfiguration(dataDirectory: dir, origin: "b.test/log"))
        }
    }

    @Test func refusesWorldReadableKey() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        await (try await TestLedger.open(LedgerConfiguration(dataDirectory: dir, origin: "a.test/log"))).close()
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir + "/log.key")
        await #expect(throws: ServiceError.self) {
            try await TestLedger.open(LedgerConfiguration(dataDirectory: dir))
        }
    }

    /// A closed log of `entries` entries in `dir`, restarted once so that `log.verified`
    /// records all of them (a start saves what it verified).
    func writeLog(in dir: String, origin: String, entries: Int = 600) async throws {
        let opened = try await TestLedger.open(LedgerConfiguration(dataDirectory: dir, origin: origin))
        for i in 0..<entries { _ = try await opened.ledger.append(Array("entry \(i)".utf8)) }
        await opened.close()
        await (try await TestLedger.open(LedgerConfiguration(dataDirectory: dir))).close()
    }

    enum Corruption: String, CaseIterable, Sendable { case editedEntry, deletedEntry, editedTile, forgedCheckpoint, extraEntry }

    @Test(arguments: Corruption.allCases)
    func refusesToServeACorruptedLog(_ corruption: Corruption) async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await writeLog(in: dir, origin: "c.test/log")
        let db = try DatabaseQueue(path: dir + "/signet.sqlite")
        switch corruption {
        case .editedEntry: try await db.write { try $0.execute(sql: "UPDATE log_entries SET data = CAST('x' AS BLOB) WHERE idx = 10") }
        case .deletedEntry: try await db.write { try $0.execute(sql: "DELETE FROM log_entries WHERE idx = 599") }
        case .editedTile: try await db.write { try $0.execute(sql: "UPDATE log_tiles SET data = zeroblob(8192) WHERE level = 0 AND idx = 1") }
        case .forgedCheckpoint: try await db.write { try $0.execute(sql: "UPDATE log_checkpoint SET note = replace(note, '600', '601')") }
        case .extraEntry: try await db.write { try $0.execute(sql: "INSERT INTO log_entries (idx, data) VALUES (600, CAST('sneaky' AS BLOB))") }
        }
        try db.close()
        // The full check (`signet log check`, or a start without a verified state) finds all of them.
        try FileManager.default.removeItem(atPath: dir + "/log.verified")
        let error = await #expect(throws: ServiceError.self) {
            try await TestLedger.open(LedgerConfiguration(dataDirectory: dir))
        }
        #expect(error?.code == .untrustedLog)
    }

    enum RecentCorruption: String, CaseIterable, Sendable { case rolledBack, emptied, editedEdgeTile, forgedCheckpoint, extraEntry, editedNewEntry }

    /// A restart checks incrementally from the state the last run saved: what changed at the
    /// tree's edge or after it is still fatal, without re-hashing the verified prefix.
    @Test(arguments: RecentCorruption.allCases)
    func incrementalStartRefusesWhatChangedSinceTheLastVerifiedState(_ corruption: RecentCorruption) async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await writeLog(in: dir, origin: "i.test/log")
        let saved = try String(contentsOfFile: dir + "/log.verified", encoding: .utf8)
        #expect(saved.hasPrefix("signet-log-verified v1\ni.test/log\n600\n"))
        if corruption == .editedNewEntry {
            // The last run verified 600; 50 more arrive (as from another instance), one is then edited.
            let reopened = try await TestLedger.open(LedgerConfiguration(dataDirectory: dir))
            for i in 600..<650 { _ = try await reopened.ledger.append(Array("entry \(i)".utf8)) }
            await reopened.ledger.sequencer.close()
            await reopened.stores.close()
            try saved.write(toFile: dir + "/log.verified", atomically: true, encoding: .utf8)
        }
        let db = try DatabaseQueue(path: dir + "/signet.sqlite")
        switch corruption {
        case .rolledBack: try saved.replacingOccurrences(of: "\n600\n", with: "\n700\n").write(toFile: dir + "/log.verified", atomically: true, encoding: .utf8)
        case .emptied:
            // The whole log replaced by an empty one: a fresh start would fork the log.
            try await db.write { try $0.execute(sql: "DELETE FROM log_entries; DELETE FROM log_tiles; DELETE FROM log_checkpoint") }
        case .editedEdgeTile: try await db.write { try $0.execute(sql: "UPDATE log_tiles SET data = zeroblob(length(data)) WHERE level = 0 AND idx = 2") }
        case .forgedCheckpoint: try await db.write { try $0.execute(sql: "UPDATE log_checkpoint SET note = replace(note, '600', '601')") }
        case .extraEntry: try await db.write { try $0.execute(sql: "INSERT INTO log_entries (idx, data) VALUES (600, CAST('sneaky' AS BLOB))") }
        case .editedNewEntry: try await db.write { try $0.execute(sql: "UPDATE log_entries SET data = CAST('x' AS BLOB) WHERE idx = 620") }
        }
        try db.close()
        let error = await #expect(throws: ServiceError.self) {
            try await TestLedger.open(LedgerConfiguration(dataDirectory: dir))
        }
        #expect(error?.code == .untrustedLog)
    }

    @Test func incrementalStartVerifiesOnlyWhatWasAdded() async throws {
        let dir = directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try await writeLog(in: dir, origin: "j.test/log")
        // An edit deep inside the verified prefix is the full check's to find, not the start's:
        // the restart succeeds, and `signet log check`'s full pass refuses.
        let db = try DatabaseQueue(path: dir + "/signet.sqlite")
        try await db.write { try $0.execute(sql: "UPDATE log_entries SET data = CAST('x' AS BLOB) WHERE idx = 10") }
        try db.close()
        let restarted = try await TestLedger.open(LedgerConfiguration(dataDirectory: dir))
        #expect(await restarted.ledger.sequencer.checkpoint?.checkpoint.size == 600)
        await restarted.close()
        try FileManager.default.removeItem(atPath: dir + "/log.verified")
        await #expect(throws: ServiceError.self) { try await TestLedger.open(LedgerConfiguration(dataDirectory: dir)) }
    }
}
