import Foundation
import GRDB
import SignetMarket

extension SQLiteIdentityStorage: PermissionStorage, RateLimitStorage {
    public func insert(_ permission: Permission) async throws {
        try await execute(
            "INSERT INTO permissions (token_hash, holder_id, party_id, template_id, expires_at) VALUES (?, ?, ?, ?, ?)",
            [Data(permission.tokenHash), permission.holderID, permission.partyID, permission.templateID, permission.expiresAt.timeIntervalSince1970])
    }

    public func consume(tokenHash: [UInt8], partyID: String, templateID: String, now: Date) async throws -> Permission? {
        try await write(
            """
            UPDATE permissions SET used_at = ?1
            WHERE token_hash = ?2 AND party_id = ?3 AND template_id = ?4 AND used_at IS NULL AND expires_at > ?1
            RETURNING holder_id, expires_at
            """,
            [now.timeIntervalSince1970, Data(tokenHash), partyID, templateID]
        ) { row -> Permission? in
            guard let holder = try row.value("holder_id", as: String.self), let expiry = try row.value("expires_at", as: Double.self) else { return nil }
            return Permission(tokenHash: tokenHash, holderID: holder, partyID: partyID, templateID: templateID, expiresAt: Date(timeIntervalSince1970: expiry))
        }.first
    }

    public func revokeAll(templateID: String, now: Date) async throws -> Int {
        try await write(
            "UPDATE permissions SET used_at = ? WHERE template_id = ? AND used_at IS NULL RETURNING 1",
            [now.timeIntervalSince1970, templateID]) { _ in true }.count
    }

    public func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: String, now: Date) async throws -> Bool {
        try await !write(
            """
            UPDATE permissions SET challenge_id = ?1, challenge_nonce = ?2, challenge_expires_at = ?3
            WHERE token_hash = ?4 AND party_id = ?5 AND template_id = ?6 AND used_at IS NULL AND expires_at > ?7
            RETURNING 1
            """,
            [challenge.id, Data(challenge.nonce), challenge.expiresAt.timeIntervalSince1970, Data(tokenHash), partyID, templateID, now.timeIntervalSince1970]
        ) { _ in true }.isEmpty
    }

    public func consume(tokenHash: [UInt8], partyID: String, templateID: String, challengeID: String, now: Date) async throws -> (Permission, nonce: [UInt8])? {
        let found = try await write(
            """
            UPDATE permissions SET used_at = ?1
            WHERE token_hash = ?2 AND party_id = ?3 AND template_id = ?4 AND used_at IS NULL AND expires_at > ?1
              AND challenge_id = ?5 AND challenge_expires_at > ?1
            RETURNING holder_id, expires_at, challenge_nonce
            """,
            [now.timeIntervalSince1970, Data(tokenHash), partyID, templateID, challengeID]
        ) { row -> ConsumedChallenge? in
            guard let holder = try row.value("holder_id", as: String.self), let expiry = try row.value("expires_at", as: Double.self),
                  let nonce = try row.value("challenge_nonce", as: Data.self) else { return nil }
            return ConsumedChallenge(holderID: holder, expiresAt: expiry, nonce: Array(nonce))
        }.first
        guard let found else { return nil }
        let permission = Permission(tokenHash: tokenHash, holderID: found.holderID, partyID: partyID, templateID: templateID,
                                    expiresAt: Date(timeIntervalSince1970: found.expiresAt))
        return (permission, found.nonce)
    }

    public func take(bucket: String, capacity: Double, perSecond: Double, now: Date) async throws -> TimeInterval? {
        let t = now.timeIntervalSince1970
        return try await write { db -> TimeInterval? in
            // One statement: refill by elapsed time, cap, and take a token only if one is there.
            let take = try db.cachedStatement(sql: """
                INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES (?1, ?2 - 1, ?3)
                ON CONFLICT (bucket) DO UPDATE SET tokens = min(?2, tokens + (?3 - updated_at) * ?4) - 1, updated_at = ?3
                WHERE min(?2, tokens + (?3 - updated_at) * ?4) >= 1
                """)
            try take.execute(arguments: [bucket, capacity, t, perSecond])
            if db.changesCount > 0 { return nil }
            // Refused: read the bucket in the same transaction to say when the next token is due.
            let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT tokens, updated_at FROM rate_buckets WHERE bucket = ?"), arguments: [bucket])
            guard let tokens = try row?.value("tokens", as: Double.self), let updated = try row?.value("updated_at", as: Double.self) else { return 1 / perSecond }
            let available = min(capacity, tokens + (t - updated) * perSecond)
            return max(0.001, (1 - available) / perSecond)
        }
    }
}

/// What consuming a device-mode permission returns from its row.
private struct ConsumedChallenge: Sendable {
    let holderID: String
    let expiresAt: Double
    let nonce: [UInt8]
}
