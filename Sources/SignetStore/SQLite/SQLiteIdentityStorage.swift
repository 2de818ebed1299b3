import Foundation
import Logging
import NIOCore
import SQLiteNIO
import SignetMarket

/// Holders, parties and request nonces in the embedded SQLite database.
///
/// Deliberate: it uses its own connection, never the ledger writer's, so an identity write can
/// never land inside a ledger batch's open transaction; writes are group-committed
/// (``SQLiteGroupCommit``) through the file's ``SQLiteWriteGate``, which orders them with the
/// ledger's batches without holding a thread.
public final class SQLiteIdentityStorage: IdentityStorage, NonceStorage {
    /// For reads: it sees only committed data, never a group transaction in progress.
    let connection: SQLiteConnection
    private let writer: SQLiteConnection
    private let writes: SQLiteGroupCommit
    private let pruneCounter = ManagedCounter()

    private init(reader: SQLiteConnection, writer: SQLiteConnection, gate: SQLiteWriteGate) {
        self.connection = reader
        self.writer = writer
        self.writes = SQLiteGroupCommit(connection: writer, gate: gate)
    }

    /// Runs one writing statement; concurrent requests' statements share one commit (and fsync).
    func write(_ sql: String, _ binds: [SQLiteData] = []) async throws -> [SQLiteRow] {
        try await writes.write(sql, binds)
    }

    /// Opens (creating and migrating if needed) the database at `path`.
    /// - Throws: ``StoreError`` when the database cannot be opened or its schema is too new.
    public static func open(path: String, busyTimeoutMilliseconds: Int = 10_000) async throws -> SQLiteIdentityStorage {
        let gate = SQLiteWriteGate.shared(path: path)
        let writer = try await SQLiteSchema.openMigrated(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, gate: gate)
        // A private in-memory database cannot be shared, so there the writer also reads.
        let reader = path == ":memory:" ? writer : try await SQLiteSchema.openMigrated(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds, gate: gate)
        return SQLiteIdentityStorage(reader: reader, writer: writer, gate: gate)
    }

    /// Closes both connections.
    public func close() async {
        if connection !== writer { try? await connection.close() }
        try? await writer.close()
    }

    public func insert(_ holder: Holder) async throws {
        try await insertUnique {
            _ = try await write(
                "INSERT INTO holders (id, public_key, registered_at) VALUES (?1, ?2, ?3)",
                [.text(holder.id.rawValue), .blob(ByteBuffer(bytes: holder.publicKey)), .float(holder.registeredAt.timeIntervalSince1970)])
        }
    }

    public func insert(_ party: Party) async throws {
        try await insertUnique {
            _ = try await write(
                "INSERT INTO parties (id, name, contact, public_key, status, registered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                [.text(party.id.rawValue), .text(party.name), .text(party.contact), .blob(ByteBuffer(bytes: party.publicKey)),
                 .text(party.status.rawValue), .float(party.registeredAt.timeIntervalSince1970)])
        }
    }

    /// Maps SQLite's uniqueness violation to ``MarketError`` `.conflict`.
    private func insertUnique(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as SQLiteError where [.constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed].contains(error.reason) {
            throw MarketError(.conflict, "this public key is already registered")
        }
    }

    public func holder(_ id: PrincipalID) async throws -> Holder? {
        let rows = try await connection.query("SELECT id, public_key, registered_at FROM holders WHERE id = ?1", [.text(id.rawValue)])
        return rows.first.flatMap { row in
            guard let key = row.column("public_key")?.blob, let at = row.column("registered_at")?.double else { return nil }
            return Holder(id: id, publicKey: Array(key.readableBytesView), registeredAt: Date(timeIntervalSince1970: at))
        }
    }

    public func party(_ id: PrincipalID) async throws -> Party? {
        let rows = try await connection.query(
            "SELECT id, name, contact, public_key, status, registered_at FROM parties WHERE id = ?1", [.text(id.rawValue)])
        return try rows.first.flatMap(Self.party(from:))
    }

    public func setStatus(_ status: PartyStatus, of id: PrincipalID) async throws -> Party? {
        _ = try await write("UPDATE parties SET status = ?1 WHERE id = ?2", [.text(status.rawValue), .text(id.rawValue)])
        return try await party(id)
    }

    public func parties(status: PartyStatus?) async throws -> [Party] {
        let rows: [SQLiteRow]
        if let status {
            rows = try await connection.query(
                "SELECT id, name, contact, public_key, status, registered_at FROM parties WHERE status = ?1 ORDER BY registered_at, id",
                [.text(status.rawValue)])
        } else {
            rows = try await connection.query("SELECT id, name, contact, public_key, status, registered_at FROM parties ORDER BY registered_at, id")
        }
        return try rows.compactMap(Self.party(from:))
    }

    static func party(from row: SQLiteRow) throws -> Party? {
        guard let idText = row.column("id")?.string, let id = PrincipalID(idText),
              let name = row.column("name")?.string, let contact = row.column("contact")?.string,
              let key = row.column("public_key")?.blob, let statusText = row.column("status")?.string,
              let status = PartyStatus(rawValue: statusText), let at = row.column("registered_at")?.double
        else { return nil }
        return try Party(id: id, name: name, contact: contact, publicKey: Array(key.readableBytesView), status: status,
                         registeredAt: Date(timeIntervalSince1970: at))
    }

    public func record(keyID: String, nonce: String, expiry: Date, now: Date) async throws -> Bool {
        // Expired nonces are pruned every 256 inserts; a replay is checked against live rows only.
        if pruneCounter.next() % 256 == 0 {
            _ = try await write("DELETE FROM request_nonces WHERE expires_at < ?1", [.float(now.timeIntervalSince1970)])
        }
        let rows = try await write(
            "INSERT INTO request_nonces (key_id, nonce, expires_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING RETURNING 1 AS inserted",
            [.text(keyID), .text(nonce), .float(expiry.timeIntervalSince1970)])
        return !rows.isEmpty
    }
}
