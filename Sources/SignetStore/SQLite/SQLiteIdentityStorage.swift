public import Foundation
import GRDB
public import SignetMarket
import SignetCore

/// Holders and parties in the embedded SQLite database (see ``SQLiteStatements``).
public struct SQLiteIdentityStorage: IdentityStorage, SQLiteStore {
    let statements: SQLiteStatements

    public func insert(_ holder: Holder) async throws {
        try await insertUnique {
            try await statements.execute(
                "INSERT INTO holders (id, public_key, registered_at) VALUES (?, ?, ?)",
                [holder.id.rawValue, Data(holder.publicKey), holder.registeredAt.timeIntervalSince1970])
        }
    }

    public func insert(_ party: Party) async throws {
        try await insertUnique {
            try await statements.execute(
                "INSERT INTO parties (id, name, contact, public_key, status, registered_at, approved_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [party.id.rawValue, party.name, party.contact, Data(party.publicKey), party.status.rawValue, party.registeredAt.timeIntervalSince1970,
                 party.approvedAt?.timeIntervalSince1970])
        }
    }

    /// Maps SQLite's uniqueness violation to ``MarketError`` `.conflict`.
    private func insertUnique(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            throw MarketError(.conflict, "this public key is already registered")
        }
    }

    public func holder(_ id: HolderID) async throws -> Holder? {
        try statements.read("SELECT public_key, registered_at FROM holders WHERE id = ?", [id.rawValue]) { row -> Holder? in
            guard let key = try row.value("public_key", as: Data.self), let at = try row.value("registered_at", as: Double.self) else { return nil }
            return Holder(id: id, publicKey: Array(key), registeredAt: Date(timeIntervalSince1970: at))
        }.first
    }

    public func party(_ id: PartyID) async throws -> Party? {
        try statements.read("SELECT id, name, contact, public_key, status, registered_at, approved_at FROM parties WHERE id = ?", [id.rawValue], row: Self.party(from:)).first
    }

    public func setStatus(_ status: PartyStatus, of id: PartyID, at date: Date) async throws -> Party? {
        try await statements.execute(
            "UPDATE parties SET status = ?, approved_at = CASE WHEN ? = 'approved' THEN coalesce(approved_at, ?) ELSE approved_at END WHERE id = ?",
            [status.rawValue, status.rawValue, date.timeIntervalSince1970, id.rawValue])
        return try await party(id)
    }

    public func parties(status: PartyStatus?) async throws -> [Party] {
        if let status {
            return try await statements.scan(
                "SELECT id, name, contact, public_key, status, registered_at, approved_at FROM parties WHERE status = ? ORDER BY registered_at, id",
                [status.rawValue], row: Self.party(from:))
        }
        return try await statements.scan("SELECT id, name, contact, public_key, status, registered_at, approved_at FROM parties ORDER BY registered_at, id", [], row: Self.party(from:))
    }

    public func activeKey(of principal: PrincipalID) async throws -> [UInt8]? {
        let sql = principal.kind == .holder
            ? "SELECT public_key FROM holders WHERE id = ? AND key_revoked_at IS NULL"
            : "SELECT public_key FROM parties WHERE id = ? AND key_revoked_at IS NULL"
        return try statements.read(sql, [principal.rawValue]) { row in try row.value("public_key", as: Data.self).map(Array.init) }.first
    }

    public func replaceKey(of principal: PrincipalID, from old: [UInt8], to new: [UInt8]) async throws -> Bool {
        let sql = principal.kind == .holder
            ? "UPDATE holders SET public_key = ? WHERE id = ? AND public_key = ? AND key_revoked_at IS NULL RETURNING 1"
            : "UPDATE parties SET public_key = ? WHERE id = ? AND public_key = ? AND key_revoked_at IS NULL RETURNING 1"
        var replaced = false
        try await insertUnique {
            replaced = try await !statements.write(sql, [Data(new), principal.rawValue, Data(old)]) { _ in true }.isEmpty
        }
        return replaced
    }

    public func revokeKey(of principal: PrincipalID, at date: Date) async throws -> Bool {
        let sql = principal.kind == .holder
            ? "UPDATE holders SET key_revoked_at = ? WHERE id = ? AND key_revoked_at IS NULL RETURNING 1"
            : "UPDATE parties SET key_revoked_at = ? WHERE id = ? AND key_revoked_at IS NULL RETURNING 1"
        return try await !statements.write(sql, [date.timeIntervalSince1970, principal.rawValue]) { _ in true }.isEmpty
    }

    @Sendable static func party(from row: Row) throws -> Party? {
        guard let idText = try row.value("id", as: String.self), let id = PartyID(idText),
              let name = try row.value("name", as: String.self), let contact = try row.value("contact", as: String.self),
              let key = try row.value("public_key", as: Data.self), let statusText = try row.value("status", as: String.self),
              let status = PartyStatus(rawValue: statusText), let at = try row.value("registered_at", as: Double.self)
        else { return nil }
        return try Party(id: id, name: name, contact: contact, publicKey: Array(key), status: status,
                         registeredAt: Date(timeIntervalSince1970: at),
                         approvedAt: try row.value("approved_at", as: Double.self).map(Date.init(timeIntervalSince1970:)))
    }
}
