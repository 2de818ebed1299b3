public import Foundation
public import SignetAuth
public import SignetCore

/// The policy and the seams of the workflows: limits that are Signet's rules (not HTTP's),
/// and where time and randomness come from.
public struct ServiceConfiguration: Sendable {
    /// The clock; tests inject a fixed or stepped one.
    public var now: @Sendable () -> Date
    /// Ids, nonces, salts and tokens; tests inject a seeded generator.
    public var random: any RandomBytesGenerator
    /// Verification attempts and challenges per party.
    public var partyRate = RateLimit(burst: 50, perSecond: 20)
    /// Verification attempts per template: verification is an oracle, so this is tight.
    public var templateRate = RateLimit(burst: 5, perSecond: 0.2)
    /// How long a device has to answer a challenge.
    public var challengeLifetime: TimeInterval = 120
    /// The lifetimes a holder may give a permission, in seconds.
    public var permissionLifetimes: ClosedRange<Int> = 60...86_400
    /// A permission's lifetime when the holder names none, in seconds.
    public var defaultPermissionLifetime = 600

    /// Creates a configuration with the production defaults.
    public init(now: @escaping @Sendable () -> Date = { Date() }, random: any RandomBytesGenerator = SystemRandomBytes()) {
        self.now = now
        self.random = random
    }
}
