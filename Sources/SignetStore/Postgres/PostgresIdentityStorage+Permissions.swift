public import SignetAuth
public import Foundation
import NIOCore
import PostgresNIO
public import SignetMarket

extension PostgresIdentityStorage: PermissionStorage, RateLimitStorage {
    public func insert(_ permission: Permission) async throws {
        _ = try await client.query(
            """
            INSERT INTO permissions (token_hash, holder_id, party_id, template_id, expires_at)
            VALUES (\(ByteBuffer(bytes: permission.tokenHash)), \(permission.holderID), \(permission.partyID), \(permission.templateID), \(permission.expiresAt.timeIntervalSince1970))
            """,
            logger: logger)
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

    /// Makes the statement's own transaction commit without waiting for its WAL flush
    /// (`SET LOCAL synchronous_commit = off`, from inside the one statement).
    ///
    /// Why: every attempt of a party charges the same bucket row, and a row lock is held until
    /// commit. With a synchronous commit each holder waits out its own flush, so one busy party
    /// was limited to about one attempt per flush (about 800/s on the bench machine, whatever the
    /// number of instances). Why it is safe: PostgreSQL writes one WAL in order, so the later
    /// synchronous commit of the verification's ledger entry, which comes before any answer,
    /// also makes this charge and the spent permission durable. A crash before that loses only
    /// charges and spends that no answer was released for (design 0002, "Admitting a verification").
    static let asynchronousCommit = "set_config('synchronous_commit', 'off', true)"

    public func take(bucket: String, capacity: Double, perSecond: Double, now: Date) async throws -> TimeInterval? {
        let t = now.timeIntervalSince1970
        // The row lock of ON CONFLICT DO UPDATE makes refill-and-take atomic across instances;
        // GREATEST keeps a bucket's time from running backwards between instances' clocks.
        let taken = try await client.query(
            """
            INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES (\(bucket), \(capacity - 1), \(t))
            ON CONFLICT (bucket) DO UPDATE
              SET tokens = LEAST(\(capacity), rate_buckets.tokens + GREATEST(0, \(t) - rate_buckets.updated_at) * \(perSecond)) - 1, updated_at = GREATEST(rate_buckets.updated_at, \(t))
              WHERE LEAST(\(capacity), rate_buckets.tokens + GREATEST(0, \(t) - rate_buckets.updated_at) * \(perSecond)) >= 1
            RETURNING tokens, \(unescaped: Self.asynchronousCommit)
            """,
            logger: logger)
        for try await (_, _) in taken.decode((Double, String).self) { return nil }
        for try await (tokens, updated) in try await client.query("SELECT tokens, updated_at FROM rate_buckets WHERE bucket = \(bucket)", logger: logger).decode((Double, Double).self) {
            return RateLimit(burst: capacity, perSecond: perSecond).wait(tokens: tokens, updatedAt: updated, now: t)
        }
        return 1 / perSecond
    }
}

extension PostgresIdentityStorage: VerificationAdmission {
    /// One prepared statement (``PostgresAdmissionStatement``), so one round trip and one commit.
    public func admit(_ attempt: VerificationAttempt) async throws -> Admission {
        let t = attempt.now.timeIntervalSince1970
        let (party, template) = (attempt.partyRate, attempt.templateRate)
        for try await (_, partyTaken, permitted, templateTaken, holder, expiry, nonce, partyTokens, partyUpdated, templateTokens, templateUpdated)
                in try await client.execute(PostgresAdmissionStatement(attempt: attempt), logger: logger) {
            // The buckets as they were before this statement (its snapshot).
            guard partyTaken > 0 else {
                return .partyLimited(retryAfter: party.wait(tokens: partyTokens, updatedAt: partyUpdated, now: t))
            }
            guard permitted > 0 else { return .refused }
            guard templateTaken > 0 else {
                return .templateLimited(retryAfter: template.wait(tokens: templateTokens, updatedAt: templateUpdated, now: t))
            }
            guard let holder, let expiry else { return .refused }
            let permission = Permission(tokenHash: attempt.tokenHash, holderID: holder, partyID: attempt.partyID, templateID: attempt.templateID,
                                        expiresAt: Date(timeIntervalSince1970: expiry))
            return .admitted(permission, challengeNonce: attempt.challengeID == nil ? nil : nonce.map { Array($0.readableBytesView) })
        }
        throw StoreError(.unavailable, "the admission statement returned no row")
    }
}
