import SignetLog
import SignetCore
import Foundation
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
            "INSERT INTO holder_events (holder_id, ledger_index, kind, event_id, salt, details, time) VALUES (?, ?, ?, ?, ?, ?, ?)",
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
            guard let index = try row.value("ledger_index", as: Int64.self), let kind = try row.value("kind", as: String.self),
                  let eventID = try row.value("event_id", as: Data.self), let salt = try row.value("salt", as: Data.self),
                  let details = try row.value("details", as: String.self), let time = try row.value("time", as: Double.self) else { return nil }
            return ActivityRecord(holderID: holderID, ledgerIndex: UInt64(index), kind: kind, eventID: Array(eventID),
                                  salt: Array(salt), details: Array(details.utf8), time: Date(timeIntervalSince1970: time))
        }
    }
}
