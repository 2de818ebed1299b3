public import Foundation
public import SignetAuth
public import SignetCore
public import SignetMarket
public import Crypto
public import Logging
public import SignetWatch

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
    /// Registrations from one network address (key generation is free for the caller, rows are not).
    public var registrationRate = RateLimit(burst: 20, perSecond: 0.2)
    /// Registrations from all addresses together: the bound that holds behind a proxy or a botnet.
    public var allRegistrationsRate = RateLimit(burst: 200, perSecond: 5)
    /// Enrollments and renewals per holder: each costs a Haar sample and a KDF run.
    public var enrollmentRate = RateLimit(burst: 5, perSecond: 0.05)
    /// Permissions a holder creates (each is a ledger event).
    public var permissionRate = RateLimit(burst: 30, perSecond: 1)
    /// How long a signed verification result may be relied on, in seconds (its `exp`).
    public var resultLifetime: TimeInterval = 300
    /// How long a device has to answer a challenge.
    public var challengeLifetime: TimeInterval = 120
    /// The lifetimes a holder may give a permission, in seconds.
    public var permissionLifetimes: ClosedRange<Int> = 60...86_400
    /// A permission's lifetime when the holder names none, in seconds.
    public var defaultPermissionLifetime = 600
    /// The server's public base URL (no trailing `/`): consent tokens name their status list under it.
    public var publicURL = "http://127.0.0.1:8080"
    /// How far a key-binding JWT's `iat` may be from the server's clock, in seconds: older ones
    /// are stale and refused.
    public var keyBindingFreshness: TimeInterval = 300
    /// The trust protocol in force until the operator activates a version of their own
    /// (``SignetService/proposeProtocol(_:noticeDays:)``): every offer must satisfy it.
    public var trustProtocol = TrustProtocol.standard
    /// The notice periods a proposed protocol version may have, in days.
    public var protocolNoticeDays: ClosedRange<Int> = 7...365
    /// The watch's thresholds.
    public var watchRules = WatchRules()
    /// The key probe fingerprints are made under (32 bytes; `signet serve` keeps it in the data
    /// directory). `nil` draws one from ``random`` for the process's life.
    public var watchKey: SymmetricKey?
    /// Plant one honey template for every this many enrollments, at random (0: never).
    public var honeyEvery = 0
    /// A decoy is planted at a random moment up to this long after the enrollment that drew it.
    public var honeyDelay: TimeInterval = 600
    /// Where findings are posted, signed, besides the log; `nil` for nowhere.
    public var webhook: WebhookConfiguration?
    /// Where operator alerts go.
    public var logger = Logger(label: "signet.watch")

    /// Creates a configuration with the production defaults.
    public init(now: @escaping @Sendable () -> Date = { Date() }, random: any RandomBytesGenerator = SystemRandomBytes()) {
        self.now = now
        self.random = random
    }

    /// This configuration with every rate limit lifted: for load generators and accuracy
    /// measurements that drive thousands of requests through one holder or party. Never for a
    /// server that faces clients.
    public func withoutRateLimits() -> ServiceConfiguration {
        var lifted = self
        let unlimited = RateLimit(burst: 1e9, perSecond: 1e9)
        (lifted.partyRate, lifted.templateRate, lifted.registrationRate) = (unlimited, unlimited, unlimited)
        (lifted.allRegistrationsRate, lifted.enrollmentRate, lifted.permissionRate) = (unlimited, unlimited, unlimited)
        return lifted
    }
}
