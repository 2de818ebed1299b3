public import Foundation
import Logging
import PostgresNIO
public import SignetAuth

/// Token buckets in PostgreSQL, so several server instances enforce one limit.
public struct PostgresRateLimitStorage: RateLimitStorage, PostgresStore {
    let database: PostgresDatabase

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
