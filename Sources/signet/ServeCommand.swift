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

    @Option(name: .customLong("vault-profile"), help: ArgumentHelp(
        "A vault profile from `signet vault calibrate`, or `synthetic` for the built-in one of the demo's synthetic embeddings (env SIGNET_VAULT_PROFILE, comma-separated). Repeat it: the first enrolls, the others keep older templates verifiable. Without one the server enrolls nothing.",
        valueName: "file|synthetic"))
    var vaultProfiles: [String] = []

    @Option(name: .customLong("webhook-url"), help: "Post the watch's findings here, signed (Standard Webhooks) with the data directory's webhook.secret (env SIGNET_WEBHOOK_URL).")
    var webhookURL: String?

    @Option(name: .customLong("honey-every"), help: "Plant one honey template per this many enrollments, at random, each at a random moment within 10 minutes; 0 plants none (env SIGNET_HONEY_EVERY, default 10).")
    var honeyEvery: Int?

    static let honeySetting = Setting(flag: "--honey-every", variable: "SIGNET_HONEY_EVERY", range: 0...1_000_000, defaultValue: 10)

    @Option(name: .customLong("dashboard-session-minutes"), help: "How long a holder's dashboard session lasts after sign-in (env SIGNET_DASHBOARD_SESSION_MINUTES, default 30, 1...720).")
    var dashboardSessionMinutes: Int?

    static let portSetting = Setting(flag: "--port", variable: "SIGNET_PORT", range: 0...65_535, defaultValue: 8080)
    static let dashboardSessionSetting = Setting(flag: "--dashboard-session-minutes", variable: "SIGNET_DASHBOARD_SESSION_MINUTES",
                                                 range: DashboardConfiguration.sessionMinutes, defaultValue: 30)
    static let idleSetting = Setting(flag: "--idle-timeout", variable: "SIGNET_IDLE_TIMEOUT", range: 1...3600, defaultValue: 60)

    func validate() throws {
        _ = try Self.portSetting.resolve(port)
        _ = try Self.idleSetting.resolve(idleTimeout)
        _ = try Self.honeySetting.resolve(honeyEvery)
        _ = try Self.dashboardSessionSetting.resolve(dashboardSessionMinutes)
    }

    /// The profiles from the flags, else from SIGNET_VAULT_PROFILE; none leaves the vault uncalibrated.
    func vaultConfiguration(environment: [String: String]) throws -> VaultConfiguration {
        let names = !vaultProfiles.isEmpty ? vaultProfiles
            : (environment["SIGNET_VAULT_PROFILE"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let profiles = try names.map { name in
            name == "synthetic" ? try VaultProfile.synthetic() : try readVaultProfile(name)
        }
        guard Set(profiles.map(\.id)).count == profiles.count else { throw ValidationError("--vault-profile names the same profile twice") }
        return try VaultConfiguration(profiles: profiles)
    }

    func run() async throws {
        let env = ProcessInfo.processInfo.environment
        // Everything the server creates (database, WAL, keys) is private to its user.
        umask(0o077)
        try ledgerOptions.requirePrivateState()
        var logger = Logger(label: "signet")
        logger.logLevel = env["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let portNumber = try Self.portSetting.resolve(port)
        let idleSeconds = try Self.idleSetting.resolve(idleTimeout)
        let dashboard = DashboardConfiguration(sessionLifetime: TimeInterval(try Self.dashboardSessionSetting.resolve(dashboardSessionMinutes) * 60))
        let server = ServerConfiguration(host: host ?? env["SIGNET_HOST"] ?? "127.0.0.1", port: portNumber, idleTimeout: .seconds(idleSeconds))
        // Without --public-url, a wildcard address or a port picked at start names no URL a
        // client can use: signatures are then checked against the URL each client addressed.
        let configuredPublicURL = publicURL ?? env["SIGNET_PUBLIC_URL"]
        let addressable = !["0.0.0.0", "::", "[::]"].contains(server.host) && server.port != 0
        let publicText = configuredPublicURL ?? (addressable ? "http://\(server.host):\(server.port)" : nil)
        let publicBase = try publicText.map { text in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--public-url must be an http(s) URL")
            }
            return url
        }
        let webhookText = webhookURL ?? env["SIGNET_WEBHOOK_URL"]
        let webhook = try webhookText.map { text in
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw ValidationError("--webhook-url must be an http(s) URL")
            }
            return url
        }
        let watch = LocalDeployment.WatchSettings(honeyEvery: try Self.honeySetting.resolve(honeyEvery), webhookURL: webhook)
        let vault = try vaultConfiguration(environment: env)
        if vault.profiles.isEmpty {
            logger.warning("no vault profile: enrollment answers 409 vault_uncalibrated until the server starts with --vault-profile (see `signet vault calibrate`)")
        }
        for (rank, profile) in vault.profiles.enumerated() {
            logger.notice("vault profile loaded", metadata: [
                "signet.vault.profile": "\(profile.id)", "signet.vault.model": "\(profile.model)",
                "signet.vault.dimension": "\(profile.dimension)", "signet.vault.role": "\(rank == 0 ? "enrolls" : "verifies")",
            ])
        }
        let deployment = try await LocalDeployment.open(ledgerOptions, logger: logger)
        let service: SignetService
        do {
            service = try await deployment.service(vault: vault, publicURL: publicText, watch: watch)
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
            ledger: ledger, configuration: server, logger: logger, service: service, api: APIConfiguration(publicURL: publicBase), metrics: registry, dashboard: dashboard
        ) { port in
            emit("signet: serving log \(ledger.verifier.name) on http://\(server.host):\(port)/log/ (\(store))")
            emit("signet: log verifier key \(vkey)")
            emit("signet: holders' dashboard at http://\(server.host):\(port)/dashboard (sign in with `signet holder sign-in`)")
            if let publicBase {
                emit("signet: clients sign requests for \(publicBase.absoluteString)")
            } else {
                emit("signet: no --public-url: each request's signature is checked against the URL its client addressed (Host); behind a proxy, set --public-url")
            }
        }
        // Graceful shutdown (SIGTERM/SIGINT) stops the services in reverse order: the server
        // drains, the recovery of interrupted template changes stops, then the ledger commits
        // what is pending, then every store is closed.
        // A service that fails (say, the port is taken) shuts the others down gracefully too,
        // so the order holds on failure as well.
        let group = ServiceGroup(configuration: .init(
            services: [
                .init(service: deployment.stores), .init(service: ledger), .init(service: ChangeRecovery(service: service, logger: logger)),
                .init(service: WatchRunner(service: service, logger: logger)),
                .init(service: app, successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
