import Hummingbird
import Logging

/// Network settings of `signet serve`.
public struct ServerConfiguration: Sendable {
    /// Interface to bind; loopback by default so nothing is exposed by accident.
    public var host: String
    /// TCP port; 0 picks a free one.
    public var port: Int

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// Builds the Signet HTTP application.
public enum SignetApplication {
    /// The router with every Signet route.
    public static func router(ledger: Ledger) -> Router<BasicRequestContext> {
        let router = Router()
        registerRoutes(on: router, ledger: ledger)
        return router
    }

    /// Adds every Signet route to an existing router (after any middleware the caller added).
    public static func registerRoutes<Context: RequestContext>(on router: Router<Context>, ledger: Ledger) {
        router.get("/healthz") { _, _ in "ok\n" }
        LogRoutes(ledger: ledger).register(on: router)
    }

    /// The application serving `ledger` on `configuration`'s address.
    /// - Parameters:
    ///   - router: a router prepared by the caller (see ``registerRoutes(on:ledger:)``); default ``router(ledger:)``.
    ///   - onServerRunning: called with the bound port once listening.
    public static func make(
        ledger: Ledger, configuration: ServerConfiguration, logger: Logger,
        router: Router<BasicRequestContext>? = nil,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router ?? Self.router(ledger: ledger),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "signet"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.port) },
            logger: logger)
    }
}
