import Foundation
public import Logging
import SignetAuth
import SignetLog
import SignetMarket
public import SignetService
import SignetVault

extension Stores {
    /// Opens (creating and migrating where needed) every store on the configured database.
    /// - Throws: ``StoreError`` when the database cannot be opened, reached or migrated.
    public static func open(_ configuration: StoreConfiguration, logger: Logger = Logger(label: "signet.store")) async throws -> Stores {
        switch configuration {
        case .sqlite(let path):
            try createDirectory(of: path)
            return try await assemble(
                log: { try await SQLiteLogStorage.open(path: path) },
                identities: { try await SQLiteIdentityStorage.open(path: path) },
                templates: { try await SQLiteTemplateStorage.open(path: path) })
        case .postgres(let url):
            return try await assemble(
                log: { try await PostgresLogStorage.connect(url: url, logger: logger) },
                identities: { try await PostgresIdentityStorage.connect(url: url, logger: logger) },
                templates: { try await PostgresTemplateStorage.connect(url: url, logger: logger) })
        }
    }

    /// Opens the three stores of one backend in turn, closing what was opened if a later one fails.
    private static func assemble<Identities: IdentityStorage & NonceStorage & HolderActivityStorage & PermissionStorage
        & VerificationAdmission & RateLimitStorage & ClosableStore, Templates: TemplateStorage & ClosableStore>(
        log openLog: () async throws -> any LogStorage, identities openIdentities: () async throws -> Identities,
        templates openTemplates: () async throws -> Templates
    ) async throws -> Stores {
        let log = try await openLog()
        let identities: Identities
        let templates: Templates
        do {
            identities = try await openIdentities()
            do {
                templates = try await openTemplates()
            } catch {
                await identities.close()
                throw error
            }
        } catch {
            await log.close()
            throw error
        }
        return Stores(log: log, identities: identities, nonces: identities, activity: identities, templates: templates,
                      permissions: identities, rateLimits: identities) {
            await templates.close()
            await identities.close()
            await log.close()
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

extension SQLiteIdentityStorage: ClosableStore {}
extension SQLiteTemplateStorage: ClosableStore {}
extension PostgresIdentityStorage: ClosableStore {}
extension PostgresTemplateStorage: ClosableStore {}
