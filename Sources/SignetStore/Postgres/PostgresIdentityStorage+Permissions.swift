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
    /// One statement, so one round trip and one commit.
    ///
    /// Its parts run in order through their references: the party's bucket; the permission,
    /// locked (`FOR UPDATE`) and checked; the template's bucket, only if the permission is good;
    /// spending the permission, only if the template's token was taken. So a template-limited
    /// attempt leaves its permission unspent without a second statement. Of two attempts on one
    /// permission, the second waits on the row lock and then finds it spent (READ COMMITTED
    /// re-checks a locked row), so it charges no template token.
    public func admit(_ attempt: VerificationAttempt) async throws -> Admission {
        let t = attempt.now.timeIntervalSince1970
        let (partyBucket, templateBucket) = (RateBucket.party(attempt.partyID), RateBucket.template(attempt.templateID))
        let (party, template) = (attempt.partyRate, attempt.templateRate)
        let rows = try await client.query(
            """
            WITH party AS (
              INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES (\(partyBucket), \(party.burst - 1), \(t))
              ON CONFLICT (bucket) DO UPDATE
                SET tokens = LEAST(\(party.burst), rate_buckets.tokens + GREATEST(0, \(t) - rate_buckets.updated_at) * \(party.perSecond)) - 1, updated_at = GREATEST(rate_buckets.updated_at, \(t))
                WHERE LEAST(\(party.burst), rate_buckets.tokens + GREATEST(0, \(t) - rate_buckets.updated_at) * \(party.perSecond)) >= 1
              RETURNING 1
            ), permitted AS (
              SELECT token_hash, holder_id, expires_at, challenge_nonce FROM permissions
              WHERE token_hash = \(ByteBuffer(bytes: attempt.tokenHash)) AND party_id = \(attempt.partyID) AND template_id = \(attempt.templateID)
                AND used_at IS NULL AND expires_at > \(t)
                AND (\(attempt.challengeID)::text IS NULL OR (challenge_id = \(attempt.challengeID)::text AND challenge_expires_at > \(t)))
                AND EXISTS (SELECT 1 FROM party)
              FOR UPDATE
            ), charged AS (
              INSERT INTO rate_buckets (bucket, tokens, updated_at)
              SELECT \(templateBucket), \(template.burst - 1), \(t) WHERE EXISTS (SELECT 1 FROM permitted)
              ON CONFLICT (bucket) DO UPDATE
                SET tokens = LEAST(\(template.burst), rate_buckets.tokens + GREATEST(0, \(t) - rate_buckets.updated_at) * \(template.perSecond)) - 1, updated_at = GREATEST(rate_buckets.updated_at, \(t))
                WHERE LEAST(\(template.burst), rate_buckets.tokens + GREATEST(0, \(t) - rate_buckets.updated_at) * \(template.perSecond)) >= 1
              RETURNING 1
            ), spent AS (
              UPDATE permissions SET used_at = \(t)
              WHERE token_hash = (SELECT token_hash FROM permitted) AND EXISTS (SELECT 1 FROM charged)
              RETURNING holder_id, expires_at, challenge_nonce
            )
            SELECT \(unescaped: Self.asynchronousCommit), (SELECT count(*) FROM party), (SELECT count(*) FROM permitted), (SELECT count(*) FROM charged),
                   s.holder_id, s.expires_at, s.challenge_nonce, pb.tokens, pb.updated_at, tb.tokens, tb.updated_at
            FROM (SELECT 1) AS one
            LEFT JOIN spent AS s ON true
            LEFT JOIN rate_buckets AS pb ON pb.bucket = \(partyBucket)
            LEFT JOIN rate_buckets AS tb ON tb.bucket = \(templateBucket)
            """,
            logger: logger)
        typealias Columns = (String, Int64, Int64, Int64, String?, Double?, ByteBuffer?, Double?, Double?, Double?, Double?)
        for try await (_, partyTaken, permitted, templateTaken, holder, expiry, nonce, partyTokens, partyUpdated, templateTokens, templateUpdated)
                in rows.decode(Columns.self) {
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
