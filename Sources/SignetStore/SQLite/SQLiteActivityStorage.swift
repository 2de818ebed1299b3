import SignetLog
import SignetCore
public import Foundation
import GRDB
public import SignetMarket

/// Activity secrets and the records that open each holder's ledger events, in the embedded
/// SQLite database.
public struct SQLiteActivityStorage: HolderActivityStorage, SQLiteStore {
    let statements: SQLiteStatements

    public func activitySecret(holderID: String) async throws -> [UInt8] {
        // Read first: after a holder's first event this is a plain read, no write lock per event.
        if let secret = try await storedSecret(holderID) { return secret }
        // Insert-if-absent then read, in one job: concurrent first uses agree on one secret.
        let fresh = Data(randomBytes(32))
        return try await statements.write { db in
            try db.cachedStatement(sql: "INSERT INTO holder_secrets (holder_id, secret) VALUES (?, ?) ON CONFLICT DO NOTHING")
                .execute(arguments: [holderID, fresh])
            guard let secret = try Data.fetchOne(db.cachedStatement(sql: "SELECT secret FROM holder_secrets WHERE holder_id = ?"), arguments: [holderID]) else {
                throw StoreError(.unavailable, "activity secret vanished")
            }
            return Array(secret)
        }
    }

    private func storedSecret(_ holderID: String) async throws -> [UInt8]? {
        try statements.read("SELECT secret FROM holder_secrets WHERE holder_id = ?", [holderID]) { row in try row.value("secret", as: Data.self).map(Array.init) }.first
    }

    public func record(_ record: ActivityRecord) async throws {
        try await statements.execute(
            "INSERT INTO holder_events (holder_id, ledger_index, kind, event_id, salt, details, time) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [record.holderID, Int64(record.ledgerIndex), record.kind, Data(record.eventID), Data(record.salt),
             String(decoding: record.details, as: UTF8.self), record.time.timeIntervalSince1970])
    }

    public func activity(holderID: String, after ledgerIndex: UInt64?, limit: Int) async throws -> [ActivityRecord] {
        // An index past Int64.max names no stored event: nothing comes after it.
        guard let after = StoredIndex.after(ledgerIndex) else { return [] }
        return try await statements.scan(
            "SELECT ledger_index, kind, event_id, salt, details, time FROM holder_events WHERE holder_id = ? AND ledger_index > ? ORDER BY ledger_index LIMIT ?",
            [holderID, after, Int64(max(0, limit))]
        ) { row -> ActivityRecord? in
            // By position, in the SELECT's order (see ``SQLiteGrantStorage/grant(from:)`` for why).
            guard let index = try row.value(at: 0, as: Int64.self), let kind = try row.value(at: 1, as: String.self),
                  let eventID = try row.value(at: 2, as: Data.self), let salt = try row.value(at: 3, as: Data.self),
                  let details = try row.value(at: 4, as: String.self), let time = try row.value(at: 5, as: Double.self) else { return nil }
            return ActivityRecord(holderID: holderID, ledgerIndex: UInt64(index), kind: kind, eventID: Array(eventID),
                                  salt: Array(salt), details: Array(details.utf8), time: Date(timeIntervalSince1970: time))
        }
    }

    public func begin(_ change: PendingChange) async throws {
        try await statements.execute(
            "INSERT INTO pending_changes (event_id, holder_id, kind, template_id, salt, time, log_size, template_key_hash, claimed_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [Data(change.eventID), change.holderID, change.kind, change.templateID, Data(change.salt), change.time.timeIntervalSince1970,
             Int64(clamping: change.logSize), change.templateKeyHash.map { Data($0) }, change.claimedUntil.timeIntervalSince1970])
    }

    public func finish(eventID: [UInt8]) async throws {
        try await statements.execute("DELETE FROM pending_changes WHERE event_id = ?", [Data(eventID)])
    }

    public func claim(eventID: [UInt8], now: Date, until: Date) async throws -> Bool {
        try await !statements.write(
            "UPDATE pending_changes SET claimed_until = ? WHERE event_id = ? AND claimed_until < ? RETURNING 1",
            [until.timeIntervalSince1970, Data(eventID), now.timeIntervalSince1970]) { _ in true }.isEmpty
    }

    public func unfinished(claimableAt now: Date, limit: Int) async throws -> [PendingChange] {
        try await statements.scan(
            "SELECT event_id, holder_id, kind, template_id, salt, time, log_size, template_key_hash, claimed_until FROM pending_changes WHERE claimed_until < ? ORDER BY time LIMIT ?",
            [now.timeIntervalSince1970, Int64(max(0, limit))]
        ) { row -> PendingChange? in
            guard let eventID = try row.value("event_id", as: Data.self), let holderID = try row.value("holder_id", as: String.self),
                  let kind = try row.value("kind", as: String.self), let templateID = try row.value("template_id", as: String.self).flatMap(TemplateID.init),
                  let salt = try row.value("salt", as: Data.self), let time = try row.value("time", as: Double.self),
                  let logSize = try row.value("log_size", as: Int64.self).flatMap(UInt64.init(exactly:)),
                  let claimedUntil = try row.value("claimed_until", as: Double.self) else { return nil }
            return PendingChange(eventID: Array(eventID), holderID: holderID, kind: kind, templateID: templateID, salt: Array(salt),
                                 time: Date(timeIntervalSince1970: time), logSize: logSize,
                                 templateKeyHash: try row.value("template_key_hash", as: Data.self).map(Array.init),
                                 claimedUntil: Date(timeIntervalSince1970: claimedUntil))
        }
    }
}
