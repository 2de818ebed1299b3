public import Foundation

/// Settings of the holder's dashboard (`/dashboard`).
public struct DashboardConfiguration: Sendable {
    /// How long a session lasts after sign-in, in seconds, whatever the holder does meanwhile
    /// (default 30 minutes). Enforced on the server: the cookie's own lifetime is only a hint.
    public var sessionLifetime: TimeInterval
    /// Sessions kept at once on this instance; past it the ones closest to expiry are dropped.
    public var maximumSessions: Int
    /// Largest form body accepted, in bytes (default 16 KiB: every dashboard form is far smaller).
    public var maximumFormSize: Int

    /// Creates a configuration.
    public init(sessionLifetime: TimeInterval = 1_800, maximumSessions: Int = 10_000, maximumFormSize: Int = 16 * 1024) {
        self.sessionLifetime = sessionLifetime
        self.maximumSessions = maximumSessions
        self.maximumFormSize = maximumFormSize
    }

    /// The session lifetimes `signet serve --dashboard-session-minutes` accepts, in minutes.
    public static let sessionMinutes = 1...720
}
