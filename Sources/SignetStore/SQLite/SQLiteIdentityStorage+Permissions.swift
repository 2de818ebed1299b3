import Foundation
import NIOCore
import SQLiteNIO
import SignetMarket

extension SQLiteIdentityStorage: PermissionStorage, RateLimitStorage {
    public func insert(_ permission: Permission) async throws {
        _ = try await write(
            "INSERT INTO permissions (token_hash, holder_id, party_id, template_id, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            [.blob(ByteBuffer(bytes: permission.tokenHash)), .text(permission.holderID), .text(permission.partyID),
             .text(permission.templateID), .float(permission.expiresAt.timeIntervalSince1970)])
    }

    public func consume(tokenHash: [UInt8], partyID: String, templateID: String, now: Date) async throws -> Permission? {
        let rows = try await write(
            """
            UPDATE permissions SET used_at = ?1
            WHERE token_hash = ?2 AND party_id = ?3 AND template_id = ?4 AND used_at IS NULL AND expires_at > ?1
            RETURNING holder_id, expires_at
            """,
            [.float(now.timeIntervalSince1970), .blob(ByteBuffer(bytes: tokenHash)), .text(partyID), .text(templateID)])
        guard let row = rows.first, let holder = row.column("holder_id")?.string, let expiry = row.column("expires_at")?.double else { return nil }
        return Permission(tokenHash: tokenHash, holderID: holder, partyID: partyID, templateID: templateID, expiresAt: Date(timeIntervalSince1970: expiry))
    }

    public func revokeAll(templateID: String, now: Date) async throws -> Int {
        try await write(
            "UPDATE permissions SET used_at = ?1 WHERE template_id = ?2 AND used_at IS NULL RETURNING 1 AS revoked",
            [.float(now.timeIntervalSince1970), .text(templateID)]).count
    }

    public func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: String, now: Date) async throws -> Bool {
        let rows = try await write(
            """
            UPDATE permissions SET challenge_id = ?1, challenge_nonce = ?2, challenge_expires_at = ?3
            WHERE token_hash = ?4 AND party_id = ?5 AND template_id = ?6 AND used_at IS NULL AND expires_at > ?7
            RETURNING holder_id
            """,
            [.text(challenge.id), .blob(ByteBuffer(bytes: challenge.nonce)), .float(challenge.expiresAt.timeIntervalSince1970),
             .blob(ByteBuffer(bytes: tokenHash)), .text(partyID), .text(templateID), .float(now.timeIntervalSince1970)])
        return !rows.isEmpty
    }

    public func consume(tokenHash: [UInt8], partyID: String, templateID: String, challengeID: String, now: Date) async throws -> (Permission, nonce: [UInt8])? {
        let rows = try await write(
            """
            UPDATE permissions SET used_at = ?1
            WHERE token_hash = ?2 AND party_id = ?3 AND template_id = ?4 AND used_at IS NULL AND expires_at > ?1
              AND challenge_id = ?5 AND challenge_expires_at > ?1
            RETURNING holder_id, expires_at, challenge_nonce
            """,
            [.float(now.timeIntervalSince1970), .blob(ByteBuffer(bytes: tokenHash)), .text(partyID), .text(templateID), .text(challengeID)])
        guard let row = rows.first, let holder = row.column("holder_id")?.string, let expiry = row.column("expires_at")?.double,
              let nonce = row.column("challenge_nonce")?.blob else { return nil }
        let permission = Permission(tokenHash: tokenHash, holderID: holder, partyID: partyID, templateID: templateID, expiresAt: Date(timeIntervalSince1970: expiry))
        return (permission, Array(nonce.readableBytesView))
    }

    public func take(bucket: String, capacity: Double, perSecond: Double, now: Date) async throws -> TimeInterval? {
        let t = now.timeIntervalSince1970
        // One statement: refill by elapsed time, cap, and take a token only if one is there.
        let taken = try await write(
            """
            INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES (?1, ?2 - 1, ?3)
            ON CONFLICT (bucket) DO UPDATE SET tokens = min(?2, tokens + (?3 - updated_at) * ?4) - 1, updated_at = ?3
            WHERE min(?2, tokens + (?3 - updated_at) * ?4) >= 1
            RETURNING tokens
            """,
            [.text(bucket), .float(capacity), .float(t), .float(perSecond)])
        if !taken.isEmpty { return nil }
        let rows = try await connection.query("SELECT tokens, updated_at FROM rate_buckets WHERE bucket = ?1", [.text(bucket)])
        guard let tokens = rows.first?.column("tokens")?.double, let updated = rows.first?.column("updated_at")?.double else { return 1 / perSecond }
        let available = min(capacity, tokens + (t - updated) * perSecond)
        return max(0.001, (1 - available) / perSecond)
    }
}
