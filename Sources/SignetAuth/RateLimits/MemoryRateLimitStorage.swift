public import Foundation
import Synchronization

/// The in-memory reference ``RateLimitStorage``: the same refill rule as the database stores,
/// for one process.
public final class MemoryRateLimitStorage: RateLimitStorage {
    private let buckets = Mutex<[String: (tokens: Double, updatedAt: Double)]>([:])

    /// Creates a store with no buckets (each starts full).
    public init() {}

    public func take(bucket: String, capacity: Double, perSecond: Double, now: Date) async throws -> TimeInterval? {
        take(bucket: bucket, rate: RateLimit(burst: capacity, perSecond: perSecond), now: now)
    }

    /// Takes one token, as ``take(bucket:capacity:perSecond:now:)``, synchronously.
    public func take(bucket: String, rate: RateLimit, now: Date) -> TimeInterval? {
        let t = now.timeIntervalSince1970
        return buckets.withLock { buckets in
            guard let state = buckets[bucket] else {
                buckets[bucket] = (rate.burst - 1, t)
                return nil
            }
            let available = rate.refilled(tokens: state.tokens, updatedAt: state.updatedAt, now: t)
            guard available >= 1 else { return rate.wait(tokens: state.tokens, updatedAt: state.updatedAt, now: t) }
            buckets[bucket] = (available - 1, max(state.updatedAt, t))
            return nil
        }
    }
}
