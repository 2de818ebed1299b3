import SignetAuth
import Hummingbird
import Logging
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
import Prometheus
import SignetAPI
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
    /// One-time permissions, and the admission of verification attempts (permission and rate
    /// limits in one step).
    public var permissions: any PermissionStorage & VerificationAdmission
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
                templates: any TemplateStorage, permissions: any PermissionStorage & VerificationAdmission, rateLimits: any RateLimitStorage,
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

/// Builds the Signet HTTP application.
public enum SignetApplication {
    /// The router with every Signet route.
    /// - Parameter metrics: the registry `/metrics` serves; when set, every request is also
    ///   counted and timed (the caller bootstraps swift-metrics with the same registry).
    public static func router(ledger: Ledger, api: APIServices? = nil, metrics: PrometheusCollectorRegistry? = nil) -> Router<BasicRequestContext> {
        let router = Router()
        // One log line per request with its request id; headers are never logged (they carry signatures).
        router.add(middleware: LogRequestsMiddleware(.info))
        router.add(middleware: NotFoundProblemMiddleware(operations: OperationTable(recording: SignetAPIHandler(ledger: ledger, services: api, metrics: metrics))))
        if metrics != nil {
            router.add(middleware: MetricsMiddleware())
        }
        registerRoutes(on: router, ledger: ledger, api: api, metrics: metrics)
        return router
    }

    /// Adds every Signet route to an existing router (after any middleware the caller added): the
    /// operations of openapi.yaml through the generated `APIProtocol`, and the ledger's routes.
    /// - Parameters:
    ///   - api: holder and party storage for the `/v1` API; without it the `/v1` operations answer 404.
    ///   - metrics: the registry `/metrics` serves; without it `/metrics` answers 404.
    public static func registerRoutes<Context: RequestContext>(
        on router: Router<Context>, ledger: Ledger, api: APIServices? = nil, metrics: PrometheusCollectorRegistry? = nil,
        logger: Logger = Logger(label: "signet.api")
    ) {
        let handler = SignetAPIHandler(ledger: ledger, services: api, metrics: metrics)
        var middlewares: [any ServerMiddleware] = [ProblemMiddleware(logger: logger)]
        if let api, let authenticator = handler.authenticator {
            middlewares.append(SignatureMiddleware(authenticator: authenticator, maximumBodySize: api.configuration.maximumBodySize))
        }
        do {
            try handler.registerHandlers(on: router, middlewares: middlewares)
        } catch {
            // Only an invalid server URL can fail here, and the default one is valid.
            preconditionFailure("registering the generated API handlers failed: \(error)")
        }
        LogRoutes(ledger: ledger).register(on: router)
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
