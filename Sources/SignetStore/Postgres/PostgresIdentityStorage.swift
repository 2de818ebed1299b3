public import SignetAuth
public import Foundation
public import Logging
import NIOCore
import PostgresNIO
public import SignetMarket
import SignetCore

/// Holders and parties in PostgreSQL, shared by every server instance.
public struct PostgresIdentityStorage: IdentityStorage, PostgresStore {
    let database: PostgresDatabase

    public func insert(_ holder: Holder) async throws {
        try await insertUnique {
            _ = try await client.query(
                "INSERT INTO holders (id, public_key, registered_at) VALUES (\(holder.id.rawValue), \(ByteBuffer(bytes: holder.publicKey)), \(holder.registeredAt.timeIntervalSince1970))",
                logger: logger)
        }
    }

    public func insert(_ party: Party) async throws {
        try await insertUnique {
            _ = try await client.query(
                """
                INSERT INTO parties (id, name, contact, public_key, status, registered_at, approved_at)
                VALUES (\(party.id.rawValue), \(party.name), \(party.contact), \(ByteBuffer(bytes: party.publicKey)), \(party.status.rawValue),
                        \(party.registeredAt.timeIntervalSince1970), \(party.approvedAt?.timeIntervalSince1970))
                """,
                logger: logger)
        }
    }

    /// Maps PostgreSQL's unique violation (SQLSTATE 23505) to ``MarketError`` `.conflict`.
    private func insertUnique(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw MarketError(.conflict, "this public key is already registered")
        }
    }

    public func holder(_ id: HolderID) async throws -> Holder? {
        let rows = try await client.query("SELECT public_key, registered_at FROM holders WHERE id = \(id.rawValue)", logger: logger)
        for try await (key, at) in rows.decode((ByteBuffer, Double).self) {
            return Holder(id: id, publicKey: Array(key.readableBytesView), registeredAt: Date(timeIntervalSince1970: at))
        }
        return nil
    }

    public func party(_ id: PartyID) async throws -> Party? {
        try await partyRows("SELECT id, name, contact, public_key, status, registered_at, approved_at FROM parties WHERE id = \(id.rawValue)").first
    }

    public func setStatus(_ status: PartyStatus, of id: PartyID, at date: Date) async throws -> Party? {
        let approvedAt: Double? = status == .approved ? date.timeIntervalSince1970 : nil
        _ = try await client.query(
            "UPDATE parties SET status = \(status.rawValue), approved_at = coalesce(approved_at, \(approvedAt)) WHERE id = \(id.rawValue)",
            logger: logger)
        return try await party(id)
    }

    public func parties(status: PartyStatus?) async throws -> [Party] {
        if let status {
            return try await partyRows(
                "SELECT id, name, contact, public_key, status, registered_at, approved_at FROM parties WHERE status = \(status.rawValue) ORDER BY registered_at, id")
        }
        return try await partyRows("SELECT id, name, contact, public_key, status, registered_at, approved_at FROM parties ORDER BY registered_at, id")
    }

    public func activeKey(of principal: PrincipalID) async throws -> [UInt8]? {
        let rows = principal.kind == .holder
            ? try await client.query("SELECT public_key FROM holders WHERE id = \(principal.rawValue) AND key_revoked_at IS NULL", logger: logger)
            : try await client.query("SELECT public_key FROM parties WHERE id = \(principal.rawValue) AND key_revoked_at IS NULL", logger: logger)
        for try await key in rows.decode(ByteBuffer.self) { return Array(key.readableBytesView) }
        return nil
    }

    public func replaceKey(of principal: PrincipalID, from old: [UInt8], to new: [UInt8]) async throws -> Bool {
        var replaced = false
        try await insertUnique {
            let (newKey, oldKey) = (ByteBuffer(bytes: new), ByteBuffer(bytes: old))
            let rows = principal.kind == .holder
                ? try await client.query(
                    "UPDATE holders SET public_key = \(newKey) WHERE id = \(principal.rawValue) AND public_key = \(oldKey) AND key_revoked_at IS NULL RETURNING 1",
                    logger: logger)
                : try await client.query(
                    "UPDATE parties SET public_key = \(newKey) WHERE id = \(principal.rawValue) AND public_key = \(oldKey) AND key_revoked_at IS NULL RETURNING 1",
                    logger: logger)
            for try await _ in rows.decode(Int.self) { replaced = true }
        }
        return replaced
    }

    public func revokeKey(of principal: PrincipalID, at date: Date) async throws -> Bool {
        let time = date.timeIntervalSince1970
        let rows = principal.kind == .holder
            ? try await client.query("UPDATE holders SET key_revoked_at = \(time) WHERE id = \(principal.rawValue) AND key_revoked_at IS NULL RETURNING 1", logger: logger)
            : try await client.query("UPDATE parties SET key_revoked_at = \(time) WHERE id = \(principal.rawValue) AND key_revoked_at IS NULL RETURNING 1", logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }

    private func partyRows(_ query: PostgresQuery) async throws -> [Party] {
        var parties: [Party] = []
        let rows = try await client.query(query, logger: logger)
        for try await (idText, name, contact, key, statusText, at, approvedAt) in rows.decode((String, String, String, ByteBuffer, String, Double, Double?).self) {
            guard let id = PartyID(idText), let status = PartyStatus(rawValue: statusText) else { continue }
            parties.append(try Party(id: id, name: name, contact: contact, publicKey: Array(key.readableBytesView), status: status,
                                     registeredAt: Date(timeIntervalSince1970: at), approvedAt: approvedAt.map(Date.init(timeIntervalSince1970:))))
        }
        return parties
    }

    /// Empties every table of the identity-side stores (they share one database).
    public func testingOnlyReset() async throws {
        _ = try await client.query("TRUNCATE holders, parties, request_nonces, holder_secrets, holder_events, pending_changes, grants, rate_buckets, trade_codes, offers, protocol_versions, offer_refusals, attesters, attributes, findings, finding_parties, alerts, honey_marks", logger: logger)
    }
}
