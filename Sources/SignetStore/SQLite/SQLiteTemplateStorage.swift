import Foundation
import Logging
import NIOCore
import SQLiteNIO
import SignetVault

/// Protected templates in the embedded SQLite database (own connection, like the identity
/// store; writes pass the file's ``SQLiteWriteGate``).
public final class SQLiteTemplateStorage: TemplateStorage {
    private let connection: SQLiteConnection
    private let gate: SQLiteWriteGate

    private init(connection: SQLiteConnection, gate: SQLiteWriteGate) {
        self.connection = connection
        self.gate = gate
    }

    /// Opens (creating and migrating if needed) the database at `path`.
    /// - Throws: ``StoreError`` when the database cannot be opened or its schema is too new.
    public static func open(path: String, busyTimeoutMilliseconds: Int = 10_000) async throws -> SQLiteTemplateStorage {
        let gate = SQLiteWriteGate.shared(path: path)
        return SQLiteTemplateStorage(connection: try await SQLiteSchema.openMigrated(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, gate: gate), gate: gate)
    }

    /// Closes the connection.
    public func close() async { try? await connection.close() }

    public func insert(_ template: StoredTemplate) async throws {
        _ = try await connection.write(
            "INSERT INTO templates (id, holder_id, data, updated_at, public_key) VALUES (?1, ?2, ?3, ?4, ?5)",
            [.text(template.id), .text(template.holderID), .blob(ByteBuffer(bytes: template.bytes)), .float(template.updatedAt.timeIntervalSince1970),
             Self.optionalBlob(template.publicKey)], through: gate)
    }

    public func template(id: String, holderID: String) async throws -> StoredTemplate? {
        try await select("SELECT id, holder_id, data, updated_at, public_key FROM templates WHERE id = ?1 AND holder_id = ?2", [.text(id), .text(holderID)]).first
    }

    public func template(id: String) async throws -> StoredTemplate? {
        try await select("SELECT id, holder_id, data, updated_at, public_key FROM templates WHERE id = ?1", [.text(id)]).first
    }

    public func publicKey(id: String) async throws -> [UInt8]? {
        let rows = try await connection.query("SELECT public_key FROM templates WHERE id = ?1", [.text(id)])
        return rows.first?.column("public_key")?.blob.map { Array($0.readableBytesView) }
    }

    public func replace(id: String, holderID: String, bytes: [UInt8], publicKey: [UInt8]?, at date: Date) async throws -> Bool {
        let rows = try await connection.write(
            "UPDATE templates SET data = ?1, updated_at = ?2, public_key = ?5 WHERE id = ?3 AND holder_id = ?4 RETURNING 1 AS changed",
            [.blob(ByteBuffer(bytes: bytes)), .float(date.timeIntervalSince1970), .text(id), .text(holderID), Self.optionalBlob(publicKey)], through: gate)
        return !rows.isEmpty
    }

    public func delete(id: String, holderID: String) async throws -> Bool {
        let rows = try await connection.write(
            "DELETE FROM templates WHERE id = ?1 AND holder_id = ?2 RETURNING 1 AS deleted", [.text(id), .text(holderID)], through: gate)
        return !rows.isEmpty
    }

    public func templateIDs(holderID: String) async throws -> [String] {
        try await connection.query("SELECT id FROM templates WHERE holder_id = ?1 ORDER BY updated_at, id", [.text(holderID)]).compactMap { $0.column("id")?.string }
    }

    private func select(_ sql: String, _ binds: [SQLiteData]) async throws -> [StoredTemplate] {
        try await connection.query(sql, binds).compactMap { row in
            guard let id = row.column("id")?.string, let holder = row.column("holder_id")?.string,
                  let data = row.column("data")?.blob, let at = row.column("updated_at")?.double else { return nil }
            let key = row.column("public_key")?.blob.map { Array($0.readableBytesView) }
            return StoredTemplate(id: id, holderID: holder, bytes: Array(data.readableBytesView), updatedAt: Date(timeIntervalSince1970: at), publicKey: key)
        }
    }

    private static func optionalBlob(_ bytes: [UInt8]?) -> SQLiteData {
        bytes.map { .blob(ByteBuffer(bytes: $0)) } ?? .null
    }
}
