public import Foundation
import Logging
import PostgresNIO
public import SignetAuth

/// Used request nonces in PostgreSQL: one replay window for every instance on the database.
public struct PostgresNonceStorage: NonceStorage, PostgresStore {
    let database: PostgresDatabase
    let pruneCounter = ManagedCounter()

    public func record(keyID: String, nonce: String, expiry: Date, now: Date) async throws -> Bool {
        if pruneCounter.next() % 256 == 0 {
            _ = try await client.query("DELETE FROM request_nonces WHERE expires_at < \(now.timeIntervalSince1970)", logger: logger)
        }
        let rows = try await client.query(
            "INSERT INTO request_nonces (key_id, nonce, expires_at) VALUES (\(keyID), \(nonce), \(expiry.timeIntervalSince1970)) ON CONFLICT DO NOTHING RETURNING 1",
            logger: logger)
        for try await _ in rows.decode(Int.self) { return true }
        return false
    }
}
