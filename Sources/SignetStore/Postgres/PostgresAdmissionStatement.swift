import SignetCore
import SignetAuth
import Foundation
import NIOCore
import PostgresNIO
import SignetMarket

/// The admission statement of ``PostgresGrantStorage/admit(_:)``, prepared once per pooled
/// connection: planning its four parts took longer than running them (0.24 ms against 0.36 ms a
/// call in `pg_stat_statements` during `signet-bench api`).
///
/// Its parts run in order through their references: the party's bucket; the grant, locked
/// (`FOR UPDATE`) and checked; the template's bucket, only if the grant is good; counting its
/// use, only if the template's token was taken. So a template-limited attempt leaves
/// its use unspent without a second statement. Of two attempts on one grant, the
/// second waits on the row lock and then finds it spent (READ COMMITTED re-checks a locked row),
/// so it charges no template token. The final row also relaxes the commit
/// (``PostgresRateLimitStorage/asynchronousCommit``).
struct PostgresAdmissionStatement: PostgresPreparedStatement {
    // $1 party bucket, $2 party burst, $3 party refill per second, $4 now, $5 token hash,
    // $6 party id, $7 template id, $8 challenge id or NULL, $9 template bucket, $10 template
    // burst, $11 template refill per second.
    static let sql = """
        WITH party AS (
          INSERT INTO rate_buckets (bucket, tokens, updated_at) VALUES ($1, $2 - 1, $4)
          ON CONFLICT (bucket) DO UPDATE
            SET tokens = LEAST($2, rate_buckets.tokens + GREATEST(0, $4 - rate_buckets.updated_at) * $3) - 1, updated_at = GREATEST(rate_buckets.updated_at, $4)
            WHERE LEAST($2, rate_buckets.tokens + GREATEST(0, $4 - rate_buckets.updated_at) * $3) >= 1
          RETURNING 1
        ), permitted AS (
          SELECT token_hash, holder_id, expires_at, challenge_nonce FROM grants
          WHERE token_hash = $5 AND party_id = $6 AND template_id = $7
            AND revoked_at IS NULL AND uses < max_uses AND expires_at > $4
            AND ($8::text IS NULL OR (challenge_id = $8::text AND challenge_expires_at > $4))
            AND EXISTS (SELECT 1 FROM party)
          FOR UPDATE
        ), charged AS (
          INSERT INTO rate_buckets (bucket, tokens, updated_at)
          SELECT $9, $10 - 1, $4 WHERE EXISTS (SELECT 1 FROM permitted)
          ON CONFLICT (bucket) DO UPDATE
            SET tokens = LEAST($10, rate_buckets.tokens + GREATEST(0, $4 - rate_buckets.updated_at) * $11) - 1, updated_at = GREATEST(rate_buckets.updated_at, $4)
            WHERE LEAST($10, rate_buckets.tokens + GREATEST(0, $4 - rate_buckets.updated_at) * $11) >= 1
          RETURNING 1
        ), spent AS (
          UPDATE grants SET uses = uses + 1, challenge_id = CASE WHEN $8::text IS NULL THEN challenge_id END
          WHERE token_hash = (SELECT token_hash FROM permitted) AND EXISTS (SELECT 1 FROM charged)
          RETURNING holder_id, expires_at, challenge_nonce, max_uses, uses
        )
        SELECT \(PostgresRateLimitStorage.asynchronousCommit), (SELECT count(*) FROM party), (SELECT count(*) FROM permitted), (SELECT count(*) FROM charged),
               s.holder_id, s.expires_at, s.challenge_nonce, s.max_uses, s.uses, pb.tokens, pb.updated_at, tb.tokens, tb.updated_at
        FROM (SELECT 1) AS one
        LEFT JOIN spent AS s ON true
        LEFT JOIN rate_buckets AS pb ON pb.bucket = $1
        LEFT JOIN rate_buckets AS tb ON tb.bucket = $9
        """
    static let bindingDataTypes: [PostgresDataType] = [.text, .float8, .float8, .float8, .bytea, .text, .text, .text, .text, .float8, .float8]

    /// The relaxed commit's value, whether the party's token, the grant and the template's
    /// token were taken, the used grant's columns, and both buckets as this statement's
    /// snapshot saw them (before its own charges).
    typealias Row = (String, Int64, Int64, Int64, String?, Double?, ByteBuffer?, Int?, Int?, Double?, Double?, Double?, Double?)

    let attempt: VerificationAttempt

    func makeBindings() throws -> PostgresBindings {
        let t = attempt.now.timeIntervalSince1970
        var bindings = PostgresBindings(capacity: 11)
        bindings.append(RateBucket.party(attempt.partyID))
        bindings.append(attempt.partyRate.burst)
        bindings.append(attempt.partyRate.perSecond)
        bindings.append(t)
        bindings.append(ByteBuffer(bytes: attempt.tokenHash))
        bindings.append(attempt.partyID)
        bindings.append(attempt.templateID.rawValue)
        bindings.append(attempt.challengeID)
        bindings.append(RateBucket.template(attempt.templateID))
        bindings.append(attempt.templateRate.burst)
        bindings.append(attempt.templateRate.perSecond)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {
        try row.decode(Row.self)
    }
}
