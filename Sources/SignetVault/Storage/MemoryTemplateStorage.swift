public import Foundation
public import SignetCore
import Synchronization

/// The in-memory reference ``TemplateStorage``.
public final class MemoryTemplateStorage: TemplateStorage {
    /// Templates in insertion order (ids are unique).
    private let templates = Mutex<[StoredTemplate]>([])

    /// Creates an empty store.
    public init() {}

    public func insert(_ template: StoredTemplate) async throws {
        try templates.withLock { templates in
            // A template id is a primary key in the database stores too.
            guard !templates.contains(where: { $0.id == template.id }) else {
                throw VaultError(.invalidParameter, "template \(template.id) is already stored")
            }
            templates.append(template)
        }
    }

    public func template(id: TemplateID, holderID: String) async throws -> StoredTemplate? {
        templates.withLock { $0.first { $0.id == id && $0.holderID == holderID } }
    }

    public func template(id: TemplateID) async throws -> StoredTemplate? {
        templates.withLock { $0.first { $0.id == id } }
    }

    public func publicKey(id: TemplateID) async throws -> [UInt8]? {
        templates.withLock { $0.first { $0.id == id }?.publicKey }
    }

    public func replace(id: TemplateID, holderID: String, bytes: [UInt8], publicKey: [UInt8]?, at date: Date) async throws -> Bool {
        templates.withLock { templates in
            guard let index = templates.firstIndex(where: { $0.id == id && $0.holderID == holderID }) else { return false }
            templates[index] = StoredTemplate(id: id, holderID: holderID, bytes: bytes, updatedAt: date, publicKey: publicKey)
            return true
        }
    }

    public func delete(id: TemplateID, holderID: String) async throws -> Bool {
        templates.withLock { templates in
            guard let index = templates.firstIndex(where: { $0.id == id && $0.holderID == holderID }) else { return false }
            templates.remove(at: index)
            return true
        }
    }

    public func lockAll(holderID: String, at date: Date) async throws -> Int {
        templates.withLock { templates in
            var count = 0
            for (index, template) in templates.enumerated() where template.holderID == holderID {
                templates[index] = StoredTemplate(id: template.id, holderID: holderID, bytes: template.bytes, updatedAt: template.updatedAt,
                                                  publicKey: template.publicKey, lockedAt: template.lockedAt ?? date)
                count += 1
            }
            return count
        }
    }

    public func templateIDs(holderID: String) async throws -> [TemplateID] {
        // Least recently written first, as the database stores order them.
        templates.withLock { $0.filter { $0.holderID == holderID }.sorted { ($0.updatedAt, $0.id.rawValue) < ($1.updatedAt, $1.id.rawValue) }.map(\.id) }
    }
}
