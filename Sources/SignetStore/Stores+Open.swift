import Foundation
import Logging
import SignetService

extension Stores {
    /// Opens (creating and migrating where needed) every store on the configured database.
    /// - Throws: ``StoreError`` when the database cannot be opened, reached or migrated.
    public static func open(_ configuration: StoreConfiguration, logger: Logger = Logger(label: "signet.store")) async throws -> Stores {
        switch configuration {
        case .sqlite(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                do {
                    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                } catch {
                    throw StoreError(.invalidConfiguration, "cannot create the data directory \(directory)")
                }
            }
            let log = try await SQLiteLogStorage.open(path: path)
            let identities: SQLiteIdentityStorage
            let templates: SQLiteTemplateStorage
            do {
                identities = try await SQLiteIdentityStorage.open(path: path)
                templates = try await SQLiteTemplateStorage.open(path: path)
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
        case .postgres(let url):
            let log = try await PostgresLogStorage.connect(url: url, logger: logger)
            let identities: PostgresIdentityStorage
            let templates: PostgresTemplateStorage
            do {
                identities = try await PostgresIdentityStorage.connect(url: url, logger: logger)
                templates = try await PostgresTemplateStorage.connect(url: url, logger: logger)
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
    }
}
