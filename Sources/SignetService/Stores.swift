public import SignetCore
public import ServiceLifecycle
public import SignetAuth
public import SignetLog
public import SignetMarket
public import SignetVault
public import SignetWatch

/// Every store Signet keeps its state in, one per concept, opened on one database.
///
/// SignetStore's `Stores.open(_:logger:)` is the only place that chooses between SQLite and
/// PostgreSQL: `signet serve`, `demo`, `admin`, the benchmarks and the tests all get their
/// stores from it (or, for tests of the workflows, from ``Stores/inMemory(random:)``).
///
/// As a swift-service-lifecycle ``Service`` it runs until graceful shutdown and then closes
/// every store, after the services started before it (the HTTP server) have stopped.
public struct Stores: Sendable, Service {
    /// The ledger's entries, tiles and checkpoints.
    public let log: any LogStorage
    /// Holders and parties.
    public let identities: any IdentityStorage
    /// Used request nonces (one replay window for every instance on the database).
    public let nonces: any NonceStorage
    /// Activity secrets and the records that open each holder's ledger events.
    public let activity: any HolderActivityStorage
    /// Protected templates.
    public let templates: any TemplateStorage
    /// One-time permissions and the admission of verification attempts.
    public let grants: any GrantStorage & VerificationAdmission
    /// Shared token buckets.
    public let rateLimits: any RateLimitStorage
    /// Trade codes and offers.
    public let offers: any OfferStorage
    /// Trust protocol versions.
    public let protocols: any ProtocolStorage
    /// Attesters and the attributes they vouched for.
    public let attributes: any AttributeStorage
    /// The watch's findings, the holders' alerts and the honey marks.
    public let watch: any WatchStorage
    private let closeAll: @Sendable () async -> Void

    /// Assembles stores from parts (the in-memory stores of ``inMemory(random:)``, or a wrapper a test
    /// puts around one store).
    /// - Parameter close: closes whatever the parts hold open.
    public init(log: any LogStorage, identities: any IdentityStorage, nonces: any NonceStorage, activity: any HolderActivityStorage,
                templates: any TemplateStorage, grants: any GrantStorage & VerificationAdmission, rateLimits: any RateLimitStorage,
                offers: any OfferStorage, protocols: any ProtocolStorage, attributes: any AttributeStorage, watch: any WatchStorage,
                close: @escaping @Sendable () async -> Void) {
        self.log = log
        self.identities = identities
        self.nonces = nonces
        self.activity = activity
        self.templates = templates
        self.grants = grants
        self.rateLimits = rateLimits
        self.offers = offers
        self.protocols = protocols
        self.attributes = attributes
        self.watch = watch
        self.closeAll = close
    }

    /// Closes every store. The ledger's sequencer must be closed first (it writes to ``log``).
    public func close() async {
        await closeAll()
    }

    /// Waits for graceful shutdown, then closes every store.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}

extension Stores {
    /// Every store in memory: the reference implementations, for workflow tests and demos that
    /// need no database. Nothing survives the process.
    /// - Parameter random: makes the activity secrets (seeded in reproducible tests).
    public static func inMemory(random: any RandomBytesGenerator = SystemRandomBytes()) -> Stores {
        let buckets = MemoryRateLimitStorage()
        return Stores(log: MemoryLogStorage(), identities: MemoryIdentityStorage(), nonces: MemoryNonceStorage(),
                      activity: MemoryHolderActivityStorage(random: random), templates: MemoryTemplateStorage(),
                      grants: MemoryGrantStorage(buckets: buckets), rateLimits: buckets, offers: MemoryOfferStorage(),
                      protocols: MemoryProtocolStorage(), attributes: MemoryAttributeStorage(),
                      watch: MemoryWatchStorage()) {}
    }
}
