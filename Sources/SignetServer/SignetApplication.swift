import Hummingbird
import Logging
import NIOCore
import Prometheus
import SignetMarket
import SignetVault

/// Network settings of `signet serve`.
public struct ServerConfiguration: Sendable {
    /// Interface to bind; loopback by default so nothing is exposed by accident.
    public var host: String
    /// TCP port; 0 picks a free one.
    public var port: Int
    /// How long a connection may sit without a byte from the client before it is closed, so idle
    /// or stalled clients cannot hold connections (and their memory) forever.
    public var idleTimeout: Duration

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080, idleTimeout: Duration = .seconds(60)) {
        self.host = host
        self.port = port
        self.idleTimeout = idleTimeout
    }
}

/// What the `/v1` API needs besides the ledger.
public struct APIServices: Sendable {
    /// Holders and parties.
    public var identities: any IdentityStorage
    /// Used request nonces (replay protection shared by all instances on one database).
    public var nonces: any NonceStorage
    /// Activity secrets and event records.
    public var activity: any HolderActivityStorage
    /// Protected templates.
    public var templates: any TemplateStorage
    /// One-time permissions.
    public var permissions: any PermissionStorage
    /// Shared rate-limit buckets.
    public var rateLimits: any RateLimitStorage
    /// Signs verification results.
    public var results: ResultSigner
    /// The template protection scheme of this deployment.
    public var vault: VaultConfiguration
    /// Public URL, limits, clock.
    public var configuration: APIConfiguration

    /// Creates the services.
    public init(identities: any IdentityStorage, nonces: any NonceStorage, activity: any HolderActivityStorage,
                templates: any TemplateStorage, permissions: any PermissionStorage, rateLimits: any RateLimitStorage,
                results: ResultSigner, vault: VaultConfiguration, configuration: APIConfiguration) {
        self.identities = identities
        self.nonces = nonces
        self.activity = activity
        self.templates = templates
        self.permissions = permissions
        self.rateLimits = rateLimits
        self.results = results
        self.vault = vault
        self.configuration = configuration
    }
}

/// The deployment's template protection: scheme parameters and preprocessing.
public struct VaultConfiguration: Sendable {
    /// The scheme every template is enrolled and verified with.
    public let scheme: IronMask

    /// Creates a configuration.
    /// - Parameters:
    ///   - dimension: embedding dimension of this deployment (default 512).
    ///   - alpha: non-zero codeword entries (default 16, the floor `signet eval` recommends at n = 512).
    ///   - kdf: key-derivation cost (default production scrypt).
    ///   - preprocessor: population mean; default none (embeddings are only L2-normalised).
    /// - Throws: ``VaultError`` when the parameters are out of range.
    public init(dimension: Int = 512, alpha: Int = 16, kdf: KDFParameters = .production, preprocessor: EmbeddingPreprocessor? = nil) throws {
        scheme = try IronMask(
            parameters: IronMaskParameters(alpha: alpha, kdf: kdf),
            preprocessor: preprocessor ?? EmbeddingPreprocessor.identity(dimension: dimension))
    }
}

/// Builds the Signet HTTP application.
public enum SignetApplication {
    /// The router with every Signet route.
    /// - Parameter metrics: the registry `/metrics` serves; when set, every request is also
    ///   counted and timed (the caller bootstraps swift-metrics with the same registry).
    public static func router(ledger: Ledger, api: APIServices? = nil, metrics: PrometheusCollectorRegistry? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        // One log line per request with its request id; headers are never logged (they carry signatures).
        router.add(middleware: LogRequestsMiddleware(.info))
        if let metrics {
            router.add(middleware: MetricsMiddleware())
            router.get("/metrics") { _, _ in
                Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.emitToBuffer())))
            }
        }
        registerRoutes(on: router, ledger: ledger, api: api)
        return router
    }

    /// Adds every Signet route to an existing router (after any middleware the caller added).
    /// - Parameter api: holder and party storage for the `/v1` API; without it only the ledger is served.
    public static func registerRoutes<Context: RequestContext>(on router: Router<Context>, ledger: Ledger, api: APIServices? = nil) {
        router.get("/healthz") { _, _ in "ok\n" }
        // Ready means the database answers and the signed checkpoint is readable.
        router.get("/readyz") { _, _ -> Response in
            guard (try? await ledger.checkpointNote()) != nil else {
                throw Problem(.serviceUnavailable, code: "not_ready", detail: "the database is not reachable", retryAfter: 5)
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: ResponseBody(byteBuffer: ByteBuffer(string: "ready\n")))
        }
        router.get("/openapi.yaml") { _, _ in try OpenAPIDocument.response() }
        LogRoutes(ledger: ledger).register(on: router)
        if let api {
            let authenticator = RequestAuthenticator(identities: api.identities, nonces: api.nonces, configuration: api.configuration)
            RegistrationRoutes(identities: api.identities, authenticator: authenticator, configuration: api.configuration).register(on: router)
            let recorder = EventRecorder(ledger: ledger, activity: api.activity)
            TemplateRoutes(services: api, authenticator: authenticator, ledger: ledger, recorder: recorder).register(on: router)
            VerificationRoutes(services: api, authenticator: authenticator, ledger: ledger, recorder: recorder).register(on: router)
        }
    }

    /// The application serving `ledger` on `configuration`'s address.
    /// - Parameters:
    ///   - router: a router prepared by the caller (see ``registerRoutes(on:ledger:)``); default ``router(ledger:)``.
    ///   - onServerRunning: called with the bound port once listening.
    public static func make(
        ledger: Ledger, configuration: ServerConfiguration, logger: Logger,
        api: APIServices? = nil,
        metrics: PrometheusCollectorRegistry? = nil,
        router: Router<BasicRequestContext>? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router ?? Self.router(ledger: ledger, api: api, metrics: metrics),
            server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "signet"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}
