public import SignetCore
public import Foundation
import GRDB
public import SignetVault

/// Protected templates in the embedded SQLite database (the file's shared pool, ``SQLiteFile``;
/// writes pass the file's ``SQLiteWriteGate``).
public struct SQLiteTemplateStorage: TemplateStorage, SQLiteStore {
    let statements: SQLiteStatements
    private var database: any DatabaseWriter { statements.file.database }
    private var gate: SQLiteWriteGate { statements.file.gate }

    public func insert(_ template: StoredTemplate) async throws {
        let arguments: StatementArguments = [template.id, template.holderID, Data(template.bytes), template.updatedAt.timeIntervalSince1970, template.publicKey.map { Data($0) }]
        try await database.write(through: gate) { db in
            try db.cachedStatement(sql: "INSERT INTO templates (id, holder_id, data, updated_at, public_key) VALUES (?, ?, ?, ?, ?)").execute(arguments: arguments)
        }
    }

    public func template(id: TemplateID, holderID: String) async throws -> StoredTemplate? {
        try select("SELECT id, holder_id, data, updated_at, public_key, locked_at FROM templates WHERE id = ? AND holder_id = ?", [id, holderID]).first
    }

    public func template(id: TemplateID) async throws -> StoredTemplate? {
        try select("SELECT id, holder_id, data, updated_at, public_key, locked_at FROM templates WHERE id = ?", [id]).first
    }

    public func publicKey(id: TemplateID) async throws -> [UInt8]? {
        try database.readInPlace { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT public_key FROM templates WHERE id = ?"), arguments: [id]).map(Array.init)
        }
    }

    public func replace(id: TemplateID, holderID: String, bytes: [UInt8], publicKey: [UInt8]?, at date: Date) async throws -> Bool {
        let arguments: StatementArguments = [Data(bytes), date.timeIntervalSince1970, publicKey.map { Data($0) }, id, holderID]
        return try await database.write(through: gate) { db in
            try db.cachedStatement(sql: "UPDATE templates SET data = ?, updated_at = ?, public_key = ?, locked_at = NULL WHERE id = ? AND holder_id = ?").execute(arguments: arguments)
            return db.changesCount > 0
        }
    }

    public func delete(id: TemplateID, holderID: String) async throws -> Bool {
        try await database.write(through: gate) { db in
            try db.cachedStatement(sql: "DELETE FROM templates WHERE id = ? AND holder_id = ?").execute(arguments: [id, holderID])
            return db.changesCount > 0
        }
    }

    public func lockAll(holderID: String, at date: Date) async throws -> Int {
        try await database.write(through: gate) { db in
            try db.cachedStatement(sql: "UPDATE templates SET locked_at = coalesce(locked_at, ?) WHERE holder_id = ?")
                .execute(arguments: [date.timeIntervalSince1970, holderID])
            return db.changesCount
        }
    }

    public func templateIDs(holderID: String) async throws -> [TemplateID] {
        try await database.read { db in
            try TemplateID.fetchAll(db.cachedStatement(sql: "SELECT id FROM templates WHERE holder_id = ? ORDER BY updated_at, id"), arguments: [holderID])
        }
    }

    /// Lookups by key, on the calling thread (see ``DatabaseReader/readInPlace(_:)``).
    private func select(_ sql: String, _ arguments: StatementArguments) throws -> [StoredTemplate] {
        try database.readInPlace { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).compactMap { row in
                guard let id = try row.value("id", as: TemplateID.self), let holder = try row.value("holder_id", as: String.self),
                      let data = try row.value("data", as: Data.self), let at = try row.value("updated_at", as: Double.self) else { return nil }
                let key = try row.value("public_key", as: Data.self).map(Array.init)
                let locked = try row.value("locked_at", as: Double.self).map(Date.init(timeIntervalSince1970:))
                return StoredTemplate(id: id, holderID: holder, bytes: Array(data), updatedAt: Date(timeIntervalSince1970: at), publicKey: key, lockedAt: locked)
            }
        }
    }
}
