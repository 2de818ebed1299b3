import SignetAuth
public import Hummingbird
public import Logging
import NIOCore
import OpenAPIHummingbird
import OpenAPIRuntime
public import Prometheus
import SignetAPI
public import SignetService
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

/// Builds the Signet HTTP application.
public enum SignetApplication {
    /// The router with every Signet route.
    /// - Parameters:
    ///   - ledger: the log the ledger routes serve (the service's, when there is one).
    ///   - service: the workflows behind the `/v1` API; without it the `/v1` operations answer 404.
    ///   - api: the HTTP API's settings (public URL, body limit, clock skew).
    ///   - metrics: the registry `/metrics` serves; when set, every request is also counted and
    ///     timed (the caller bootstraps swift-metrics with the same registry).
    ///   - dashboard: the holder's dashboard's settings; `nil` (or no service) serves no dashboard.
    public static func router(ledger: Ledger, service: SignetService? = nil, api: APIConfiguration = APIConfiguration(),
                              metrics: PrometheusCollectorRegistry? = nil, dashboard: DashboardConfiguration? = DashboardConfiguration(),
                              logger: Logger = Logger(label: "signet.api")) -> Router<SignetRequestContext> {
        let router = Router(context: SignetRequestContext.self)
        // One log line per request with its request id; headers are never logged (they carry
        // signatures and cookies), nor the query of a dashboard request (a sign-in link's).
        router.add(middleware: RequestLogMiddleware(level: .info))
        router.add(middleware: ClientAddressMiddleware())
        router.add(middleware: NotFoundProblemMiddleware(operations: OperationTable(recording: SignetAPIHandler(
            ledger: ledger, service: service, configuration: api, metrics: metrics))))
        if metrics != nil {
            router.add(middleware: MetricsMiddleware())
        }
        registerRoutes(on: router, ledger: ledger, service: service, api: api, metrics: metrics, dashboard: dashboard, logger: logger)
        return router
    }

    /// Adds every Signet route to an existing router (after any middleware the caller added): the
    /// operations of openapi.yaml through the generated `APIProtocol`, and the ledger's routes.
    /// - Parameters:
    ///   - service: the workflows behind the `/v1` API; without it the `/v1` operations answer 404.
    ///   - metrics: the registry `/metrics` serves; without it `/metrics` answers 404.
    ///   - dashboard: the holder's dashboard's settings; `nil` (or no service) serves no dashboard.
    public static func registerRoutes<Context: RequestContext>(
        on router: Router<Context>, ledger: Ledger, service: SignetService? = nil, api: APIConfiguration = APIConfiguration(),
        metrics: PrometheusCollectorRegistry? = nil, dashboard: DashboardConfiguration? = DashboardConfiguration(),
        logger: Logger = Logger(label: "signet.api")
    ) {
        let handler = SignetAPIHandler(ledger: ledger, service: service, configuration: api, metrics: metrics)
        var middlewares: [any ServerMiddleware] = [ProblemMiddleware(logger: logger)]
        if let authenticator = handler.authenticator {
            let embeddingDimension = service?.vault.maximumDimension ?? 0
            middlewares.append(SignatureMiddleware(authenticator: authenticator,
                                                   maximumBodySize: api.maximumBodySize ?? APIConfiguration.bodyLimit(embeddingDimension: embeddingDimension)))
        }
        do {
            try handler.registerHandlers(on: router, middlewares: middlewares)
        } catch {
            // Only an invalid server URL can fail here, and the default one is valid.
            preconditionFailure("registering the generated API handlers failed: \(error)")
        }
        LogRoutes(ledger: ledger).register(on: router)
        if let service, let dashboard {
            DashboardRoutes(service: service, configuration: dashboard, logger: logger).register(on: router)
        }
    }

    /// The application serving `ledger` on `configuration`'s address.
    /// - Parameters:
    ///   - router: a router prepared by the caller (see ``registerRoutes(on:ledger:)``); default ``router(ledger:)``.
    ///   - onServerRunning: called with the bound port once listening.
    public static func make(
        ledger: Ledger, configuration: ServerConfiguration, logger: Logger,
        service: SignetService? = nil, api: APIConfiguration = APIConfiguration(),
        metrics: PrometheusCollectorRegistry? = nil, dashboard: DashboardConfiguration? = DashboardConfiguration(),
        router: Router<SignetRequestContext>? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router ?? Self.router(ledger: ledger, service: service, api: api, metrics: metrics, dashboard: dashboard, logger: logger),
            server: .http1(configuration: .init(idleTimeout: TimeAmount(configuration.idleTimeout))),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "signet"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}
