public import SignetCore
public import Foundation
public import Logging
import NIOCore
import PostgresNIO
public import SignetVault

/// Protected templates in PostgreSQL, shared by every server instance.
public struct PostgresTemplateStorage: TemplateStorage, PostgresStore {
    let database: PostgresDatabase

    public func insert(_ template: StoredTemplate) async throws {
        _ = try await client.query(
            "INSERT INTO templates (id, holder_id, data, updated_at, public_key) VALUES (\(template.id.rawValue), \(template.holderID), \(ByteBuffer(bytes: template.bytes)), \(template.updatedAt.timeIntervalSince1970), \(template.publicKey.map { ByteBuffer(bytes: $0) }))",
            logger: logger)
    }

    public func template(id: TemplateID, holderID: String) async throws -> StoredTemplate? {
        try await select("SELECT id, holder_id, data, updated_at, public_key, locked_at FROM templates WHERE id = \(id.rawValue) AND holder_id = \(holderID)").first
    }

    public func template(id: TemplateID) async throws -> StoredTemplate? {
        try await select("SELECT id, holder_id, data, updated_at, public_key, locked_at FROM templates WHERE id = \(id.rawValue)").first
    }

    public func publicKey(id: TemplateID) async throws -> [UInt8]? {
        for try await key in try await client.query("SELECT public_key FROM templates WHERE id = \(id.rawValue)", logger: logger).decode(ByteBuffer?.self) {
            return key.map { Array($0.readableBytesView) }
        }
        return nil
    }

    public func replace(id: TemplateID, holderID: String, bytes: [UInt8], publicKey: [UInt8]?, at date: Date) async throws -> Bool {
        try await changed("UPDATE templates SET data = \(ByteBuffer(bytes: bytes)), updated_at = \(date.timeIntervalSince1970), public_key = \(publicKey.map { ByteBuffer(bytes: $0) }), locked_at = NULL WHERE id = \(id.rawValue) AND holder_id = \(holderID) RETURNING 1")
    }

    public func delete(id: TemplateID, holderID: String) async throws -> Bool {
        try await changed("DELETE FROM templates WHERE id = \(id.rawValue) AND holder_id = \(holderID) RETURNING 1")
    }

    public func lockAll(holderID: String, at date: Date) async throws -> Int {
        var count = 0
        let rows = try await client.query(
            "UPDATE templates SET locked_at = coalesce(locked_at, \(date.timeIntervalSince1970)) WHERE holder_id = \(holderID) RETURNING 1", logger: logger)
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count
    }

    public func templateIDs(holderID: String) async throws -> [TemplateID] {
        var ids: [TemplateID] = []
        for try await text in try await client.query("SELECT id FROM templates WHERE holder_id = \(holderID) ORDER BY updated_at, id", logger: logger).decode(String.self) {
            guard let id = TemplateID(text) else { throw StoreError(.unavailable, "a stored template id is malformed") }
            ids.append(id)
        }
        return ids
    }

    /// Test hook: empties the templates table.
    public func testingOnlyReset() async throws {
        _ = try await client.query("TRUNCATE templates", logger: logger)
    }

    private func changed(_ query: PostgresQuery) async throws -> Bool {
        for try await _ in try await client.query(query, logger: logger).decode(Int.self) { return true }
        return false
    }

    private func select(_ query: PostgresQuery) async throws -> [StoredTemplate] {
        var out: [StoredTemplate] = []
        for try await (text, holder, data, at, key, locked) in try await client.query(query, logger: logger)
                .decode((String, String, ByteBuffer, Double, ByteBuffer?, Double?).self) {
            guard let id = TemplateID(text) else { throw StoreError(.unavailable, "a stored template id is malformed") }
            out.append(StoredTemplate(id: id, holderID: holder, bytes: Array(data.readableBytesView), updatedAt: Date(timeIntervalSince1970: at),
                                      publicKey: key.map { Array($0.readableBytesView) }, lockedAt: locked.map(Date.init(timeIntervalSince1970:))))
        }
        return out
    }
}
