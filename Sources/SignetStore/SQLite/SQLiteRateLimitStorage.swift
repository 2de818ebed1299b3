public import Foundation
import GRDB
public import SignetAuth

/// Token buckets in the embedded SQLite database.
public struct SQLiteRateLimitStorage: RateLimitStorage, SQLiteStore {
    let statements: SQLiteStatements

    public func take(bucket: String, capacity: Double, perSecond: Double, now: Date) async throws -> TimeInterval? {
        try await statements.write { db in try Self.take(db, bucket: bucket, rate: RateLimit(burst: capacity, perSecond: perSecond), now: now) }
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
