import Crypto
import Foundation
import SignetCore
import SignetMarket
import SignetService
import Synchronization

/// One signed-in holder's session.
struct DashboardSession: Sendable {
    /// Who signed in.
    let holder: HolderID
    /// The key that signed the sign-in link; the session ends when it stops being active.
    let publicKey: [UInt8]
    /// The synchronizer token every form of this session carries (base64url of 32 random bytes).
    let csrfToken: String
    /// When the session ends, whatever happens.
    let expiresAt: Date
}

/// The dashboard's sessions, kept in this instance's memory.
///
/// The cookie holds a random 32-byte session id (base64url); the server keeps only its
/// SHA-256, with the holder, the CSRF token and the expiry. Deliberate: a server-side session
/// rather than a signed (HMAC) cookie, so that expiry and sign-out are exact. A copied cookie
/// stops working the moment its holder signs out, and nothing a client holds can be extended.
///
/// Several instances: a session lives only on the instance that opened it, and a restart ends
/// every session. Behind a load balancer, route `/dashboard` with session affinity (a sticky
/// cookie or source hashing); a request that reaches another instance is answered 401 and the
/// holder signs in again with a new link. Sign-in links themselves work on any instance (their
/// nonces are spent in the shared nonce store), and every action goes through the shared
/// workflows and stores, so an instance never serves stale grants or offers.
final class DashboardSessions: Sendable {
    private let sessions = Mutex<[[UInt8]: DashboardSession]>([:])
    /// One message per session for the page after a POST (what a lockdown did), read once.
    private let flashes = Mutex<[[UInt8]: String]>([:])
    private let capacity: Int
    private let random: any RandomBytesGenerator

    init(capacity: Int, random: any RandomBytesGenerator) {
        self.capacity = max(1, capacity)
        self.random = random
    }

    /// Opens a session for a verified sign-in; returns the cookie value and the session.
    func open(_ signIn: VerifiedSignIn, lifetime: TimeInterval, now: Date) -> (id: String, session: DashboardSession) {
        let id = random.bytes(32)
        let session = DashboardSession(holder: signIn.holder, publicKey: signIn.publicKey,
                                       csrfToken: Base64.encodeURL(random.bytes(32)), expiresAt: now.addingTimeInterval(lifetime))
        sessions.withLock { table in
            if table.count >= capacity {
                table = table.filter { $0.value.expiresAt > now }
                // Still full of live sessions: the one closest to its end makes room.
                if table.count >= capacity, let oldest = table.min(by: { $0.value.expiresAt < $1.value.expiresAt }) {
                    table[oldest.key] = nil
                }
            }
            table[Self.key(id)] = session
        }
        return (Base64.encodeURL(id), session)
    }

    /// The live session a cookie value names, or `nil` (unknown, malformed or expired; an
    /// expired one is forgotten).
    func session(_ cookie: String, now: Date) -> DashboardSession? {
        guard cookie.utf8.count == 43, let id = Base64.decodeURL(cookie), id.count == 32 else { return nil }
        let key = Self.key(id)
        return sessions.withLock { table in
            guard let session = table[key] else { return nil }
            guard session.expiresAt > now else {
                table[key] = nil
                return nil
            }
            return session
        }
    }

    /// Ends the session a cookie value names (sign-out, or its key is no longer active).
    func close(_ cookie: String) {
        guard let id = Base64.decodeURL(cookie), id.count == 32 else { return }
        _ = sessions.withLock { $0.removeValue(forKey: Self.key(id)) }
        _ = flashes.withLock { $0.removeValue(forKey: Self.key(id)) }
    }

    /// Keeps `message` for the session's next page (POST-redirect-GET without putting the
    /// outcome in the URL, where a crafted link could fake it).
    func flash(_ message: String, for cookie: String) {
        guard let id = Base64.decodeURL(cookie), id.count == 32 else { return }
        flashes.withLock { table in
            // Bounded like the sessions: a flash outlives its session only until the next one.
            if table.count >= capacity { table.removeAll() }
            table[Self.key(id)] = message
        }
    }

    /// The session's flash message, once.
    func takeFlash(for cookie: String) -> String? {
        guard let id = Base64.decodeURL(cookie), id.count == 32 else { return nil }
        return flashes.withLock { $0.removeValue(forKey: Self.key(id)) }
    }

    /// Sessions held now, live or not yet pruned (tests).
    var count: Int { sessions.withLock { $0.count } }

    /// The table key: the id's SHA-256, so the table itself holds nothing a cookie can be made from.
    private static func key(_ id: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: id)) }
}
