public import SignetAuth
public import Foundation
import GRDB
public import SignetMarket

extension SQLiteIdentityStorage: PermissionStorage, RateLimitStorage {
    public func insert(_ permission: Permission) async throws {
        try await execute(
            "INSERT INTO permissions (token_hash, holder_id, party_id, template_id, expires_at) VALUES (?, ?, ?, ?, ?)",
            [Data(permission.tokenHash), permission.holderID, permission.partyID, permission.templateID, permission.expiresAt.timeIntervalSince1970])
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

    public func take(bucket: String, capacity: Double, perSecond: Double, now: Date) async throws -> TimeInterval? {
        try await write { db in try Self.take(db, bucket: bucket, rate: RateLimit(burst: capacity, perSecond: perSecond), now: now) }
    }
}

extension SQLiteIdentityStorage: VerificationAdmission {
    /// One group-commit job, so the whole admission is one wait on the writer.
    public func admit(_ attempt: VerificationAttempt) async throws -> Admission {
        try await write { db -> Admission in
            if let wait = try Self.take(db, bucket: RateBucket.party(attempt.partyID), rate: attempt.partyRate, now: attempt.now) {
                return .partyLimited(retryAfter: wait)
            }
            guard let spent = try Self.consume(db, tokenHash: attempt.tokenHash, partyID: attempt.partyID, templateID: attempt.templateID,
                                               challengeID: attempt.challengeID, now: attempt.now) else {
                return .refused
            }
            if let wait = try Self.take(db, bucket: RateBucket.template(attempt.templateID), rate: attempt.templateRate, now: attempt.now) {
                // Leave the permission unspent: the attempt did not happen.
                try db.cachedStatement(sql: "UPDATE permissions SET used_at = NULL WHERE token_hash = ?").execute(arguments: [Data(attempt.tokenHash)])
                return .templateLimited(retryAfter: wait)
            }
            return .admitted(spent.permission, challengeNonce: spent.challengeNonce)
        }
    }
}

extension SQLiteIdentityStorage {
    /// Marks the permission used if it matches, is unexpired and unused (and, with a
    /// `challengeID`, carries that unexpired challenge); returns it and the challenge's nonce.
    static func consume(_ db: Database, tokenHash: [UInt8], partyID: String, templateID: String, challengeID: String?, now: Date) throws
        -> (permission: Permission, challengeNonce: [UInt8]?)? {
        let rows: [Row]
        if let challengeID {
            rows = try Row.fetchAll(db.cachedStatement(sql: """
                UPDATE permissions SET used_at = ?1
                WHERE token_hash = ?2 AND party_id = ?3 AND template_id = ?4 AND used_at IS NULL AND expires_at > ?1
                  AND challenge_id = ?5 AND challenge_expires_at > ?1
                RETURNING holder_id, expires_at, challenge_nonce
                """), arguments: [now.timeIntervalSince1970, Data(tokenHash), partyID, templateID, challengeID])
        } else {
            rows = try Row.fetchAll(db.cachedStatement(sql: """
                UPDATE permissions SET used_at = ?1
                WHERE token_hash = ?2 AND party_id = ?3 AND template_id = ?4 AND used_at IS NULL AND expires_at > ?1
                RETURNING holder_id, expires_at
                """), arguments: [now.timeIntervalSince1970, Data(tokenHash), partyID, templateID])
        }
        guard let row = rows.first, let holder = try row.value("holder_id", as: String.self),
              let expiry = try row.value("expires_at", as: Double.self) else { return nil }
        var nonce: [UInt8]?
        if challengeID != nil {
            guard let stored = try row.value("challenge_nonce", as: Data.self) else { return nil }
            nonce = Array(stored)
        }
        let permission = Permission(tokenHash: tokenHash, holderID: holder, partyID: partyID, templateID: templateID, expiresAt: Date(timeIntervalSince1970: expiry))
        return (permission, nonce)
    }

    /// Takes one token from `bucket`; returns `nil`, or the seconds until a token is due.
    static func take(_ db: Database, bucket: String, rate: RateLimit, now: Date) throws -> TimeInterval? {
        let t = now.timeIntervalSince1970
        // One statement: refill by elapsed time, cap, and take a token only if one is there.
        // Time never runs backwards for a bucket: instances with clocks apart, or a clock stepped
        // back, must not drain it.
        try db.cachedStatement(sql: """
            INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES (?1, ?2 - 1, ?3)
            ON CONFLICT (bucket) DO UPDATE SET tokens = min(?2, tokens + max(0, ?3 - updated_at) * ?4) - 1, updated_at = max(updated_at, ?3)
            WHERE min(?2, tokens + max(0, ?3 - updated_at) * ?4) >= 1
            """).execute(arguments: [bucket, rate.burst, t, rate.perSecond])
        if db.changesCount > 0 { return nil }
        // Refused: read the bucket in the same transaction to say when the next token is due.
        let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT tokens, updated_at FROM rate_buckets WHERE bucket = ?"), arguments: [bucket])
        return rate.wait(tokens: try row?.value("tokens", as: Double.self), updatedAt: try row?.value("updated_at", as: Double.self), now: t)
    }
}
