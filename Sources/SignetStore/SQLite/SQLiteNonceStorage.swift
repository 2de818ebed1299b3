public import Foundation
import GRDB
public import SignetAuth

/// Used request nonces in the embedded SQLite database: one replay window for the server.
public struct SQLiteNonceStorage: NonceStorage, SQLiteStore {
    let statements: SQLiteStatements
    let pruneCounter = ManagedCounter()

    public func record(keyID: String, nonce: String, expiry: Date, now: Date) async throws -> Bool {
        // Expired nonces are pruned every 256 inserts; a replay is checked against live rows only.
        let prune = pruneCounter.next() % 256 == 0
        let now = now.timeIntervalSince1970
        return try await statements.write { db in
            if prune { try db.cachedStatement(sql: "DELETE FROM request_nonces WHERE expires_at < ?").execute(arguments: [now]) }
            let insert = try db.cachedStatement(sql: "INSERT INTO request_nonces (key_id, nonce, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            try insert.execute(arguments: [keyID, nonce, expiry.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }
}
