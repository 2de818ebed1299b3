import SignetClient
import Foundation
import SignetMarket
import SignetServer
import SignetService
import SignetStore
import SignetVault

/// The servers `signet-bench api` measures: one on a temporary SQLite store, or two instances
/// on one throwaway PostgreSQL database (the scale-out setup), each on its own loopback port.
struct BenchDeployment {
    /// Base URLs of the instances.
    let bases: [URL]
    /// The store, as the header line names it.
    let store: String
    /// Approves a party through the operator's workflow, as `signet admin party approve` does.
    let approve: @Sendable (PrincipalID) async throws -> Void
    /// Stops every instance and removes what the run created (data directories, database).
    let stop: @Sendable () async -> Void

    /// Starts one SQLite server.
    static func sqlite(vault: VaultConfiguration, configuration: ServiceConfiguration, api: APIConfiguration) async throws -> BenchDeployment {
        let server = try await ThrowawayServer.start(origin: "bench.example/log", vault: vault, configuration: configuration, api: api) {
            try await Stores.open(.embedded(dataDirectory: $0))
        }
        return BenchDeployment(
            bases: [server.base], store: "SQLite",
            approve: { _ = try await server.service.approve(party: $0.rawValue) },
            stop: { await server.stop() })
    }

    /// Creates a database next to the one `url` names and starts two instances on it that
    /// share the log key, as a scale-out deployment would. The database is dropped on ``stop``.
    static func postgres(url: String, vault: VaultConfiguration, configuration: ServiceConfiguration, api: APIConfiguration) async throws -> BenchDeployment {
        let database = try await ThrowawayDatabase.create(next: url)
        var servers: [ThrowawayServer] = []
        let stopAll: @Sendable ([ThrowawayServer]) async -> Void = { servers in
            for server in servers { await server.stop() }
            do { try await database.drop() } catch {
                printError("signet-bench api: could not drop database \(database.name): \(error); drop it by hand")
            }
        }
        do {
            let open: @Sendable (String) async throws -> Stores = { _ in try await Stores.open(.postgres(url: database.url)) }
            let first = try await ThrowawayServer.start(origin: "bench.example/log", vault: vault, configuration: configuration, api: api, stores: open)
            servers.append(first)
            servers.append(try await ThrowawayServer.start(
                origin: "bench.example/log", vault: vault, configuration: configuration, api: api, logKey: first.logKeyPath, stores: open))
        } catch {
            await stopAll(servers)
            throw error
        }
        let started = servers
        return BenchDeployment(
            bases: started.map(\.base), store: "PostgreSQL, \(started.count) instances on one database",
            approve: { _ = try await started[0].service.approve(party: $0.rawValue) },
            stop: { await stopAll(started) })
    }
}
