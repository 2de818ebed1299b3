import Foundation
import NIOCore
import SQLiteNIO
import SignetMarket

extension SQLiteIdentityStorage: HolderActivityStorage {
    public func activitySecret(holderID: String) async throws -> [UInt8] {
        // Read first: after a holder's first event this is a plain read, no write lock per event.
        if let secret = try await storedSecret(holderID) { return secret }
        // Insert-if-absent then read: concurrent first uses agree on one secret.
        _ = try await write(
            "INSERT INTO holder_secrets (holder_id, secret) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            [.text(holderID), .blob(ByteBuffer(bytes: randomBytes(32)))])
        guard let secret = try await storedSecret(holderID) else { throw StoreError(.unavailable, "activity secret vanished") }
        return secret
    }

    private func storedSecret(_ holderID: String) async throws -> [UInt8]? {
        let rows = try await connection.query("SELECT secret FROM holder_secrets WHERE holder_id = ?1", [.text(holderID)])
        return rows.first?.column("secret")?.blob.map { Array($0.readableBytesView) }
    }

    public func record(_ record: ActivityRecord) async throws {
        _ = try await write(
            "INSERT INTO holder_events (holder_id, ledger_index, kind, event_id, salt, details, time) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            [.text(record.holderID), .integer(Int(record.ledgerIndex)), .text(record.kind), .blob(ByteBuffer(bytes: record.eventID)),
             .blob(ByteBuffer(bytes: record.salt)), .text(String(decoding: record.details, as: UTF8.self)), .float(record.time.timeIntervalSince1970)])
    }

    public func activity(holderID: String) async throws -> [ActivityRecord] {
        let rows = try await connection.query(
            "SELECT ledger_index, kind, event_id, salt, details, time FROM holder_events WHERE holder_id = ?1 ORDER BY ledger_index",
            [.text(holderID)])
        return rows.compactMap { row in
            guard let index = row.column("ledger_index")?.integer, let kind = row.column("kind")?.string,
                  let eventID = row.column("event_id")?.blob, let salt = row.column("salt")?.blob,
                  let details = row.column("details")?.string, let time = row.column("time")?.double else { return nil }
            return ActivityRecord(holderID: holderID, ledgerIndex: UInt64(index), kind: kind, eventID: Array(eventID.readableBytesView),
                                  salt: Array(salt.readableBytesView), details: Array(details.utf8), time: Date(timeIntervalSince1970: time))
        }
    }
}
