public import Foundation

/// A token-bucket rate: `burst` attempts at once, refilled at `perSecond`.
public struct RateLimit: Sendable, Equatable {
    /// Bucket capacity.
    public var burst: Double
    /// Refill rate.
    public var perSecond: Double

    /// Creates a limit.
    public init(burst: Double, perSecond: Double) {
        self.burst = burst
        self.perSecond = perSecond
    }

    /// The tokens of a bucket last written at `updatedAt` holding `tokens`, refilled up to `now`
    /// (Unix seconds). Deliberate: time before `updatedAt` counts as none, so instances whose
    /// clocks are apart, or a clock stepped back, never drain a bucket.
    public func refilled(tokens: Double, updatedAt: Double, now: Double) -> Double {
        min(burst, tokens + max(0, now - updatedAt) * perSecond)
    }

    /// Seconds until a bucket last written at `updatedAt` holding `tokens` has a whole token
    /// again at `now` (Unix seconds); an unknown bucket (`nil`) waits one refill period.
    public func wait(tokens: Double?, updatedAt: Double?, now: Double) -> TimeInterval {
        guard let tokens, let updatedAt else { return 1 / perSecond }
        return max(0.001, (1 - refilled(tokens: tokens, updatedAt: updatedAt, now: now)) / perSecond)
    }
}

/// Token buckets kept in the database, so several server instances enforce one limit.
public protocol RateLimitStorage: Sendable {
    /// Takes one token from `bucket` (capacity `capacity`, refilled at `perSecond`).
    /// - Returns: `nil` when a token was taken, or the seconds until one will be available.
    func take(bucket: String, capacity: Double, perSecond: Double, now: Date) async throws -> TimeInterval?
}
