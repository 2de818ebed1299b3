public import SignetAuth
public import Foundation
import GRDB
public import SignetMarket

/// Holders, parties and request nonces in the embedded SQLite database.
///
/// It shares the file's pool with the other stores (``SQLiteFile``). Writes are group-committed
/// (``SQLiteGroupCommit``) through the file's ``SQLiteWriteGate``, which orders them with the
/// ledger's batches without holding a thread, so an identity write never lands inside a ledger
/// batch's open transaction. Reads use the pool's reader connections, which see only committed
/// data, never a group transaction in progress.
public final class SQLiteIdentityStorage: IdentityStorage, NonceStorage {
    private let file: SQLiteFile
    private let writes: SQLiteGroupCommit
    private let pruneCounter = ManagedCounter()
    private var database: any DatabaseWriter { file.database }

    private init(file: SQLiteFile) {
        self.file = file
        self.writes = SQLiteGroupCommit(database: file.database, gate: file.gate)
    }

    /// Runs `job` in the next group transaction; concurrent requests' jobs share one commit (and fsync).
    func write<T: Sendable>(_ job: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await writes.write(job)
    }

    /// Runs one writing statement and maps its returned rows.
    func write<T: Sendable>(_ sql: String, _ arguments: StatementArguments, row: @escaping @Sendable (Row) throws -> T?) async throws -> [T] {
        try await writes.write(sql, arguments, row: row)
    }

    /// Runs one writing statement that returns no rows.
    func execute(_ sql: String, _ arguments: StatementArguments) async throws {
        try await writes.execute(sql, arguments)
    }

    /// Runs a lookup by key on a reader connection, on the calling thread (see ``DatabaseReader/readInPlace(_:)``).
    func read<T>(_ sql: String, _ arguments: StatementArguments, row: (Row) throws -> T?) throws -> [T] {
        try database.readInPlace { db in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).compactMap(row) }
    }

    /// Runs a scan on a reader connection's own thread.
    func scan<T: Sendable>(_ sql: String, _ arguments: StatementArguments, row: @escaping @Sendable (Row) throws -> T?) async throws -> [T] {
        try await database.read { db in try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).compactMap(row) }
    }

    /// Opens (creating and migrating if needed) the database at `path`.
    /// - Throws: ``StoreError`` when the database cannot be opened or its schema is too new.
    public static func open(path: String, busyTimeoutMilliseconds: Int = 10_000) async throws -> SQLiteIdentityStorage {
        SQLiteIdentityStorage(file: try await SQLiteFile.open(path: path, busyTimeoutMilliseconds: busyTimeoutMilliseconds))
    }

    /// Leaves the file's shared pool (the last store on the file closes it).
    public func close() async {
        file.close()
    }

    public func insert(_ holder: Holder) async throws {
        try await insertUnique {
            try await execute(
                "INSERT INTO holders (id, public_key, registered_at) VALUES (?, ?, ?)",
                [holder.id.rawValue, Data(holder.publicKey), holder.registeredAt.timeIntervalSince1970])
        }
    }

    public func insert(_ party: Party) async throws {
        try await insertUnique {
            try await execute(
                "INSERT INTO parties (id, name, contact, public_key, status, registered_at) VALUES (?, ?, ?, ?, ?, ?)",
                [party.id.rawValue, party.name, party.contact, Data(party.publicKey), party.status.rawValue, party.registeredAt.timeIntervalSince1970])
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

    public func holder(_ id: PrincipalID) async throws -> Holder? {
        try read("SELECT public_key, registered_at FROM holders WHERE id = ?", [id.rawValue]) { row -> Holder? in
            guard let key = try row.value("public_key", as: Data.self), let at = try row.value("registered_at", as: Double.self) else { return nil }
            return Holder(id: id, publicKey: Array(key), registeredAt: Date(timeIntervalSince1970: at))
        }.first
    }

    public func party(_ id: PrincipalID) async throws -> Party? {
        try read("SELECT id, name, contact, public_key, status, registered_at FROM parties WHERE id = ?", [id.rawValue], row: Self.party(from:)).first
    }

    public func setStatus(_ status: PartyStatus, of id: PrincipalID) async throws -> Party? {
        try await execute("UPDATE parties SET status = ? WHERE id = ?", [status.rawValue, id.rawValue])
        return try await party(id)
    }

    public func parties(status: PartyStatus?) async throws -> [Party] {
        if let status {
            return try await scan(
                "SELECT id, name, contact, public_key, status, registered_at FROM parties WHERE status = ? ORDER BY registered_at, id",
                [status.rawValue], row: Self.party(from:))
        }
        return try await scan("SELECT id, name, contact, public_key, status, registered_at FROM parties ORDER BY registered_at, id", [], row: Self.party(from:))
    }

    @Sendable static func party(from row: Row) throws -> Party? {
        guard let idText = try row.value("id", as: String.self), let id = PrincipalID(idText),
              let name = try row.value("name", as: String.self), let contact = try row.value("contact", as: String.self),
              let key = try row.value("public_key", as: Data.self), let statusText = try row.value("status", as: String.self),
              let status = PartyStatus(rawValue: statusText), let at = try row.value("registered_at", as: Double.self)
        else { return nil }
        return try Party(id: id, name: name, contact: contact, publicKey: Array(key), status: status,
                         registeredAt: Date(timeIntervalSince1970: at))
    }

    public func record(keyID: String, nonce: String, expiry: Date, now: Date) async throws -> Bool {
        // Expired nonces are pruned every 256 inserts; a replay is checked against live rows only.
        let prune = pruneCounter.next() % 256 == 0
        let now = now.timeIntervalSince1970
        return try await write { db in
            if prune { try db.cachedStatement(sql: "DELETE FROM request_nonces WHERE expires_at < ?").execute(arguments: [now]) }
            let insert = try db.cachedStatement(sql: "INSERT INTO request_nonces (key_id, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            try insert.execute(arguments: [keyID, nonce, expiry.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }
}
