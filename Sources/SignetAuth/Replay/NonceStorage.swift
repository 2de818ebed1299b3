public import Foundation
import Synchronization

/// Remembers which request nonces were used, so a signed request cannot be replayed.
///
/// Implementations shared by several server instances (a database table) make one replay
/// window for all of them.
public protocol NonceStorage: Sendable {
    /// Records `nonce` for `keyID` until `expiry`; returns `false` when it was already recorded.
    func record(keyID: String, nonce: String, expiry: Date, now: Date) async throws -> Bool
}

/// The in-memory reference ``NonceStorage``: one process's replay window.
public final class MemoryNonceStorage: NonceStorage {
    private let seen = Mutex<[String: Date]>([:])

    /// Creates an empty store.
    public init() {}

    public func record(keyID: String, nonce: String, expiry: Date, now: Date) async throws -> Bool {
        seen.withLock { seen in
            // Forget what has expired, as the database stores prune their tables.
            seen = seen.filter { $0.value > now }
            let key = keyID + "\n" + nonce
            guard seen[key] == nil else { return false }
            seen[key] = expiry
            return true
        }
    }
}
