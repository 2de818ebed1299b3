import ArgumentParser
import Crypto
import Foundation
import Logging
import SignetService
import SignetStore
import SignetVault

/// The stores and the ledger of the configured data directory or database, open for one
/// command (`serve`, `log …`, `admin …`).
struct LocalDeployment {
    let stores: Stores
    let ledger: Ledger
    let ledgerConfiguration: LedgerConfiguration

    /// Opens the stores (``Stores/open(_:logger:)``, the one SQLite-or-PostgreSQL choice) and
    /// the ledger on them; a start-up failure prints one line and exits non-zero.
    /// - Parameter createsKey: whether a missing log key starts a new log (`serve`, `log`);
    ///   operator commands pass `false` and refuse instead.
    static func open(_ options: LedgerOptions, createsKey: Bool = true, logger: Logger) async throws -> LocalDeployment {
        // Whatever command creates the state (database, WAL, keys) creates it private, so a later
        // `serve` (which refuses state others can read) starts on it.
        umask(0o077)
        var configuration = try options.configuration()
        configuration.createsKey = createsKey
        do {
            let stores = try await Stores.open(options.storeConfiguration(), logger: logger)
            do {
                let ledger = try await Ledger.open(configuration, storage: stores.log, logger: logger)
                return LocalDeployment(stores: stores, ledger: ledger, ledgerConfiguration: configuration)
            } catch {
                await stores.close()
                throw error
            }
        } catch {
            printError("signet: \(error)")
            throw ExitCode.failure
        }
    }

    /// The workflows on this deployment, with the data directory's result key.
    /// - Parameter publicURL: the URL clients reach the server at (consent tokens name their status list under it).
    /// - Parameter watch: how `serve` runs the watch: honey planting and the webhook.
    func service(vault: VaultConfiguration, publicURL: String? = nil, watch: WatchSettings = WatchSettings(),
                 observers: [any EventObserver] = []) async throws -> SignetService {
        let results = try await ResultSigner.loadOrCreate(path: ledgerConfiguration.resultKeyPath)
        var configuration = ServiceConfiguration()
        if let publicURL { configuration.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        configuration.watchKey = try WatchKeyFile.loadOrCreate(path: ledgerConfiguration.dataDirectory + "/watch.key")
        configuration.honeyEvery = watch.honeyEvery
        if let url = watch.webhookURL {
            let secret = try WatchKeyFile.loadOrCreate(path: ledgerConfiguration.dataDirectory + "/webhook.secret")
            configuration.webhook = WebhookConfiguration(url: url, secret: secret.withUnsafeBytes { Array($0) })
        }
        return SignetService(ledger: ledger, stores: stores, results: results, vault: vault, configuration: configuration, observers: observers)
    }

    /// How the watch runs in this process.
    struct WatchSettings {
        /// Plant one honey template per this many enrollments (0: never).
        var honeyEvery = 0
        /// Where findings are posted, signed with the data directory's `webhook.secret`.
        var webhookURL: URL?
    }

    /// Waits for pending appends, then closes every store.
    func close() async {
        await ledger.close()
        await stores.close()
    }
}
