import Foundation
import Synchronization
public import Logging
import SignetAuth
import SignetLog
import SignetMarket
public import SignetService
import SignetVault
import SignetCore

extension Stores {
    /// Opens (creating and migrating where needed) every store on the configured database.
    /// - Throws: ``StoreError`` when the database cannot be opened, reached or migrated.
    public static func open(_ configuration: StoreConfiguration, logger: Logger = Logger(label: "signet.store")) async throws -> Stores {
        let opened = OpenedSoFar()
        do {
            switch configuration {
            case .sqlite(let path):
                // Each store would get a private in-memory database of its own, so admission and
                // challenges would charge different buckets: in-memory state is Stores.inMemory().
                guard path != ":memory:", !path.isEmpty else {
                    throw StoreError(.invalidConfiguration, "an SQLite store needs a file path; use Stores.inMemory() for state in memory")
                }
                try createDirectory(of: path)
                // Every store joins the file's one shared pool (SQLiteFile counts them).
                return Stores(
                    log: try await opened.add(SQLiteLogStorage.open(path: path)),
                    identities: try await opened.add(SQLiteIdentityStorage.open(path: path)),
                    nonces: try await opened.add(SQLiteNonceStorage.open(path: path)),
                    activity: try await opened.add(SQLiteActivityStorage.open(path: path)),
                    templates: try await opened.add(SQLiteTemplateStorage.open(path: path)),
                    grants: try await opened.add(SQLiteGrantStorage.open(path: path)),
                    rateLimits: try await opened.add(SQLiteRateLimitStorage.open(path: path)),
                    offers: try await opened.add(SQLiteOfferStorage.open(path: path)),
                    protocols: try await opened.add(SQLiteProtocolStorage.open(path: path)),
                    attributes: try await opened.add(SQLiteAttributeStorage.open(path: path)),
                    watch: try await opened.add(SQLiteWatchStorage.open(path: path)),
                    close: opened.closeAll)
            case .postgres(let url):
                // The log's writer and the templates keep their own pools, as before; the stores
                // of holders, parties, nonces, activity, grants and buckets share one.
                let log = PostgresLogStorage(database: try await opened.add(PostgresDatabase.connect(url: url, logger: logger)))
                let templates = PostgresTemplateStorage(database: try await opened.add(PostgresDatabase.connect(url: url, logger: logger)))
                let shared = try await opened.add(PostgresDatabase.connect(url: url, logger: logger))
                return Stores(
                    log: log, identities: PostgresIdentityStorage(database: shared), nonces: PostgresNonceStorage(database: shared),
                    activity: PostgresActivityStorage(database: shared), templates: templates,
                    grants: PostgresGrantStorage(database: shared), rateLimits: PostgresRateLimitStorage(database: shared),
                    offers: PostgresOfferStorage(database: shared), protocols: PostgresProtocolStorage(database: shared),
                    attributes: PostgresAttributeStorage(database: shared),
                    watch: PostgresWatchStorage(database: shared), close: opened.closeAll)
            }
        } catch {
            await opened.closeAll()
            throw error
        }
    }

    /// Creates the directory of a new SQLite file (mode 0700: it holds the database and keys).
    private static func createDirectory(of path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        guard !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw StoreError(.invalidConfiguration, "cannot create the data directory \(directory)")
        }
    }
}

/// A store that holds connections until closed.
protocol ClosableStore: Sendable {
    /// Releases its connections; the store must not be used afterwards.
    func close() async
}

extension SQLiteLogStorage: ClosableStore {}
extension PostgresDatabase: ClosableStore {}

/// What ``Stores/open(_:logger:)`` has opened so far: closed in reverse order, all at once,
/// when the stores are closed or when opening a later one fails.
private final class OpenedSoFar: Sendable {
    private let stores = Mutex<[any ClosableStore]>([])

    func add<Store: ClosableStore>(_ store: Store) -> Store {
        stores.withLock { $0.append(store) }
        return store
    }

    @Sendable func closeAll() async {
        let all = stores.withLock { stores in
            defer { stores = [] }
            return stores
        }
        for store in all.reversed() { await store.close() }
    }
}
