import UnixSignals
import ServiceLifecycle
import SignetVault
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import SignetLog
import SignetServer
import SignetService
import SignetStore

/// `signet serve`: the server: the `/v1` API, the ledger's tiles and checkpoints, metrics.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the Signet server on the embedded SQLite store (or PostgreSQL with SIGNET_DATABASE_URL).")

    @OptionGroup var ledgerOptions: LedgerOptions

    @Option(help: "Interface to listen on (env SIGNET_HOST, default 127.0.0.1).")
    var host: String?

    @Option(help: "TCP port (env SIGNET_PORT, default 8080; 0 picks a free port).")
    var port: Int?

    @Option(name: .customLong("public-url"), help: "Base URL clients use to reach this server; request signatures cover it (env SIGNET_PUBLIC_URL, default http://HOST:PORT).")
    var publicURL: String?

    @Option(name: .customLong("idle-timeout"), help: "Seconds a connection may stay silent before it is closed (env SIGNET_IDLE_TIMEOUT, default 60).")
    var idleTimeout: Int?

    func validate() throws {
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
        if let idleTimeout, !(1...3600).contains(idleTimeout) { throw ValidationError("--idle-timeout must be between 1 and 3600 seconds") }
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        var logger = Logger(label: "signet")
        logger.logLevel = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        guard let portNumber = port ?? (env["SIGNET_PORT"].map { Int($0) ?? -1 } ?? 8080) as Int?, (0...65_535).contains(portNumber) else {
            throw ValidationError("SIGNET_PORT must be a port number")
        }
        guard let idleSeconds = idleTimeout ?? (env["SIGNET_IDLE_TIMEOUT"].map { Int($0) ?? -1 } ?? 60) as Int?, (1...3600).contains(idleSeconds) else {
            throw ValidationError("SIGNET_IDLE_TIMEOUT must be between 1 and 3600 seconds")
        }
        let server = ServerConfiguration(host: host ?? env["SIGNET_HOST"] ?? "127.0.0.1", port: portNumber, idleTimeout: .seconds(idleSeconds))
        let publicText = publicURL ?? env["SIGNET_PUBLIC_URL"] ?? "http://\(server.host):\(server.port)"
        guard let publicBase = URL(string: publicText), ["http", "https"].contains(publicBase.scheme ?? ""), publicBase.host != nil else {
            throw ValidationError("--public-url must be an http(s) URL")
        }
        let vault: VaultConfiguration
        do {
            vault = try VaultConfiguration(
                dimension: env["SIGNET_VAULT_DIMENSION"].flatMap(Int.init) ?? 512,
                alpha: env["SIGNET_VAULT_ALPHA"].flatMap(Int.init) ?? 16)
        } catch {
            printError("signet: SIGNET_VAULT_DIMENSION / SIGNET_VAULT_ALPHA: \(error)")
            throw ExitCode.failure
        }
        let deployment = try await LocalDeployment.open(ledgerOptions, logger: logger)
        let service: SignetService
        do {
            service = try await deployment.service(vault: vault)
        } catch {
            await deployment.close()
            printError("signet: \(error)")
            throw ExitCode.failure
        }
        let ledger = deployment.ledger
        let vkey = ledger.verifier.vkey
        let store = ledgerOptions.storeConfiguration().summary
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let app = SignetApplication.make(
            ledger: ledger, configuration: server, logger: logger, service: service, api: APIConfiguration(publicURL: publicBase), metrics: registry
        ) { port in
            emit("signet: serving log \(ledger.verifier.name) on http://\(server.host):\(port)/log/ (\(store))")
            emit("signet: log verifier key \(vkey)")
        }
        // Graceful shutdown (SIGTERM/SIGINT) stops the services in reverse order: the server
        // drains, then the ledger commits what is pending, then every store is closed.
        // A service that fails (say, the port is taken) shuts the others down gracefully too,
        // so the order holds on failure as well.
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: deployment.stores), .init(service: ledger),
                .init(service: app, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
