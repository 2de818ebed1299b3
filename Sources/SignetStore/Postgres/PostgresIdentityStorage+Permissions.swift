import Foundation
import NIOCore
import PostgresNIO
import SignetMarket

extension PostgresIdentityStorage: PermissionStorage, RateLimitStorage {
    public func insert(_ permission: Permission) async throws {
        _ = try await client.query(
            """
            INSERT INTO permissions (token_hash, holder_id, party_id, template_id, expires_at)
            VALUES (\(ByteBuffer(bytes: permission.tokenHash)), \(permission.holderID), \(permission.partyID), \(permission.templateID), \(permission.expiresAt.timeIntervalSince1970))
            """,
            logger: logger)
    }

    public func consume(tokenHash: [UInt8], partyID: String, templateID: String, now: Date) async throws -> Permission? {
        let t = now.timeIntervalSince1970
        let rows = try await client.query(
            """
            UPDATE permissions SET used_at = \(t)
            WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) AND party_id = \(partyID) AND template_id = \(templateID)
              AND used_at IS NULL AND expires_at > \(t)
            RETURNING holder_id, expires_at
            """,
            logger: logger)
        for try await (holder, expiry) in rows.decode((String, Double).self) {
            return Permission(tokenHash: tokenHash, holderID: holder, partyID: partyID, templateID: templateID, expiresAt: Date(timeIntervalSince1970: expiry))
        }
        return nil
    }

    public func revokeAll(templateID: String, now: Date) async throws -> Int {
        var count = 0
        let rows = try await client.query(
            "UPDATE permissions SET used_at = \(now.timeIntervalSince1970) WHERE template_id = \(templateID) AND used_at IS NULL RETURNING 1",
            logger: logger)
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count
    }

    public func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: String, now: Date) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE permissions SET challenge_id = \(challenge.id), challenge_nonce = \(ByteBuffer(bytes: challenge.nonce)),
              challenge_expires_at = \(challenge.expiresAt.timeIntervalSince1970)
            WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) AND party_id = \(partyID) AND template_id = \(templateID)
              AND used_at IS NULL AND expires_at > \(now.timeIntervalSince1970)
            RETURNING holder_id
            """,
            logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    public func consume(tokenHash: [UInt8], partyID: String, templateID: String, challengeID: String, now: Date) async throws -> (Permission, nonce: [UInt8])? {
        let t = now.timeIntervalSince1970
        let rows = try await client.query(
            """
            UPDATE permissions SET used_at = \(t)
            WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) AND party_id = \(partyID) AND template_id = \(templateID)
              AND used_at IS NULL AND expires_at > \(t) AND challenge_id = \(challengeID) AND challenge_expires_at > \(t)
            RETURNING holder_id, expires_at, challenge_nonce
            """,
            logger: logger)
        for try await (holder, expiry, nonce) in rows.decode((String, Double, ByteBuffer).self) {
            let permission = Permission(tokenHash: tokenHash, holderID: holder, partyID: partyID, templateID: templateID, expiresAt: Date(timeIntervalSince1970: expiry))
            return (permission, Array(nonce.readableBytesView))
        }
        return nil
    }

    public func take(bucket: String, capacity: Double, perSecond: Double, now: Date) async throws -> TimeInterval? {
        let t = now.timeIntervalSince1970
        // The row lock of ON CONFLICT DO UPDATE makes refill-and-take atomic across instances.
        let taken = try await client.query(
            """
            INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES (\(bucket), \(capacity - 1), \(t))
            ON CONFLICT (bucket) DO UPDATE
              SET tokens = LEAST(\(capacity), rate_buckets.tokens + (\(t) - rate_buckets.updated_at) * \(perSecond)) - 1, updated_at = \(t)
              WHERE LEAST(\(capacity), rate_buckets.tokens + (\(t) - rate_buckets.updated_at) * \(perSecond)) >= 1
            RETURNING tokens
            """,
            logger: logger)
        for try await _ in taken.decode(Double.self) { return nil }
        for try await (tokens, updated) in try await client.query("SELECT tokens, updated_at FROM rate_buckets WHERE bucket = \(bucket)", logger: logger).decode((Double, Double).self) {
            let available = min(capacity, tokens + (t - updated) * perSecond)
            return max(0.001, (1 - available) / perSecond)
        }
        return 1 / perSecond
    }
}
