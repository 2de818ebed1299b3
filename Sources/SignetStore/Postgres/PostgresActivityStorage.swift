import SignetLog
import SignetCore
public import Foundation
import NIOCore
import PostgresNIO
public import SignetMarket

/// Activity secrets and the records that open each holder's ledger events, in PostgreSQL.
public struct PostgresActivityStorage: HolderActivityStorage, PostgresStore {
    let database: PostgresDatabase

    public func activitySecret(holderID: String) async throws -> [UInt8] {
        // Read first: after a holder's first event this is a plain read, no write per event.
        if let secret = try await storedSecret(holderID) { return secret }
        // Insert-if-absent then read: concurrent first uses agree on one secret.
        _ = try await client.query(
            "INSERT INTO holder_secrets (holder_id, secret) VALUES (\(holderID), \(ByteBuffer(bytes: randomBytes(32)))) ON CONFLICT DO NOTHING",
            logger: logger)
        guard let secret = try await storedSecret(holderID) else { throw StoreError(.unavailable, "activity secret vanished") }
        return secret
    }

    private func storedSecret(_ holderID: String) async throws -> [UInt8]? {
        for try await secret in try await client.query("SELECT secret FROM holder_secrets WHERE holder_id = \(holderID)", logger: logger).decode(ByteBuffer.self) {
            return Array(secret.readableBytesView)
        }
        return nil
    }

    public func record(_ record: ActivityRecord) async throws {
        _ = try await client.query(
            """
            INSERT INTO holder_events (holder_id, ledger_index, kind, event_id, salt, details, time)
            VALUES (\(record.holderID), \(Int64(record.ledgerIndex)), \(record.kind), \(ByteBuffer(bytes: record.eventID)),
                    \(ByteBuffer(bytes: record.salt)), \(String(decoding: record.details, as: UTF8.self)), \(record.time.timeIntervalSince1970))
            ON CONFLICT DO NOTHING
            """,
            logger: logger)
    }

    public func activity(holderID: String, after ledgerIndex: UInt64?, limit: Int) async throws -> [ActivityRecord] {
        // An index past Int64.max names no stored event: nothing comes after it.
        guard let after = StoredIndex.after(ledgerIndex) else { return [] }
        var out: [ActivityRecord] = []
        let rows = try await client.query(
            "SELECT ledger_index, kind, event_id, salt, details, time FROM holder_events WHERE holder_id = \(holderID) AND ledger_index > \(after) ORDER BY ledger_index LIMIT \(Int64(max(0, limit)))",
            logger: logger)
        for try await (index, kind, eventID, salt, details, time) in rows.decode((Int64, String, ByteBuffer, ByteBuffer, String, Double).self) {
            out.append(ActivityRecord(holderID: holderID, ledgerIndex: UInt64(index), kind: kind, eventID: Array(eventID.readableBytesView),
                                      salt: Array(salt.readableBytesView), details: Array(details.utf8), time: Date(timeIntervalSince1970: time)))
        }
        return out
    }

    public func begin(_ change: PendingChange) async throws {
        _ = try await client.query(
            """
            INSERT INTO pending_changes (event_id, holder_id, kind, template_id, salt, time, log_size, template_key_hash, claimed_until)
            VALUES (\(ByteBuffer(bytes: change.eventID)), \(change.holderID), \(change.kind), \(change.templateID.rawValue),
                    \(ByteBuffer(bytes: change.salt)), \(change.time.timeIntervalSince1970), \(Int64(clamping: change.logSize)),
                    \(change.templateKeyHash.map { ByteBuffer(bytes: $0) }), \(change.claimedUntil.timeIntervalSince1970))
            """,
            logger: logger)
    }

    public func finish(eventID: [UInt8]) async throws {
        _ = try await client.query("DELETE FROM pending_changes WHERE event_id = \(ByteBuffer(bytes: eventID))", logger: logger)
    }

    public func claim(eventID: [UInt8], now: Date, until: Date) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE pending_changes SET claimed_until = \(until.timeIntervalSince1970)
            WHERE event_id = \(ByteBuffer(bytes: eventID)) AND claimed_until < \(now.timeIntervalSince1970) RETURNING 1
            """,
            logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    public func unfinished(claimableAt now: Date, limit: Int) async throws -> [PendingChange] {
        var out: [PendingChange] = []
        let rows = try await client.query(
            """
            SELECT event_id, holder_id, kind, template_id, salt, time, log_size, template_key_hash, claimed_until FROM pending_changes
            WHERE claimed_until < \(now.timeIntervalSince1970) ORDER BY time LIMIT \(Int64(max(0, limit)))
            """,
            logger: logger)
        for try await (eventID, holderID, kind, templateID, salt, time, logSize, keyHash, claimedUntil)
            in rows.decode((ByteBuffer, String, String, String, ByteBuffer, Double, Int64, ByteBuffer?, Double).self) {
            guard let templateID = TemplateID(templateID), let logSize = UInt64(exactly: logSize) else { continue }
            out.append(PendingChange(eventID: Array(eventID.readableBytesView), holderID: holderID, kind: kind, templateID: templateID,
                                     salt: Array(salt.readableBytesView), time: Date(timeIntervalSince1970: time), logSize: logSize,
                                     templateKeyHash: keyHash.map { Array($0.readableBytesView) }, claimedUntil: Date(timeIntervalSince1970: claimedUntil)))
        }
        return out
    }
}
