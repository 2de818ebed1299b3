import Crypto
public import Logging
public import SignetService
public import SignetStore
public import SignetVault

/// A ledger and the stores it writes to, opened together for a test and closed together.
public struct TestLedger: Sendable {
    /// The ledger.
    public let ledger: Ledger
    /// Its stores.
    public let stores: Stores

    /// Opens the stores (by default the data directory's SQLite file) and the ledger on them.
    public static func open(_ configuration: LedgerConfiguration, store: StoreConfiguration? = nil,
                            logger: Logger = Logger(label: "test")) async throws -> TestLedger {
        let stores = try await Stores.open(store ?? .embedded(dataDirectory: configuration.dataDirectory), logger: logger)
        do {
            return TestLedger(ledger: try await Ledger.open(configuration, storage: stores.log, logger: logger), stores: stores)
        } catch {
            await stores.close()
            throw error
        }
    }

    /// The workflows on this ledger and its stores, with a fresh result key.
    public func service(vault: VaultConfiguration, configuration: ServiceConfiguration = ServiceConfiguration(),
                        observers: [any EventObserver] = []) async -> SignetService {
        SignetService(ledger: ledger, stores: stores, results: await ResultSigner(privateKey: .init()), vault: vault,
                      configuration: configuration, observers: observers)
    }

    /// Waits for pending appends, then closes every store.
    public func close() async {
        await ledger.close()
        await stores.close()
    }
}
