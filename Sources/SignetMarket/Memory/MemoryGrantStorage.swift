public import SignetCore
public import Foundation
public import SignetAuth
import Synchronization

/// The in-memory reference ``GrantStorage`` and ``VerificationAdmission``.
///
/// An admission runs under one lock, taking its tokens from `buckets` inside it, so it is as
/// atomic as the database stores' single transaction.
public final class MemoryGrantStorage: GrantStorage, VerificationAdmission {
    private struct Stored {
        var permission: Grant
        var usedAt: Date?
        var challenge: Challenge?
    }

    private let buckets: MemoryRateLimitStorage
    private let permissions = Mutex<[[UInt8]: Stored]>([:])

    /// Creates an empty store charging `buckets` (share them with the store's
    /// ``RateLimitStorage``, so challenges and verifications spend one party budget).
    public init(buckets: MemoryRateLimitStorage) {
        self.buckets = buckets
    }

    public func insert(_ permission: Grant) async throws {
        try permissions.withLock { permissions in
            // A token hash is a primary key in the database stores too.
            guard permissions[permission.tokenHash] == nil else { throw MarketError(.conflict, "this permission token is already stored") }
            permissions[permission.tokenHash] = Stored(permission: permission)
        }
    }

    public func permission(tokenHash: [UInt8]) async throws -> Grant? {
        permissions.withLock { $0[tokenHash]?.permission }
    }

    public func revokeAll(templateID: TemplateID, issuedBefore: Date, now: Date) async throws -> Int {
        permissions.withLock { permissions in
            var revoked = 0
            for (hash, stored) in permissions where stored.permission.templateID == templateID && stored.usedAt == nil
                && (stored.permission.issuedAt ?? .distantPast) < issuedBefore {
                permissions[hash]?.usedAt = now
                revoked += 1
            }
            return revoked
        }
    }

    public func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: TemplateID, now: Date) async throws -> Bool {
        permissions.withLock { permissions in
            guard let stored = permissions[tokenHash], Self.usable(stored, partyID: partyID, templateID: templateID, now: now) else { return false }
            permissions[tokenHash]?.challenge = challenge
            return true
        }
    }

    public func admit(_ attempt: VerificationAttempt) async throws -> Admission {
        permissions.withLock { permissions in
            if let wait = buckets.take(bucket: RateBucket.party(attempt.partyID), rate: attempt.partyRate, now: attempt.now) {
                return .partyLimited(retryAfter: wait)
            }
            guard let stored = permissions[attempt.tokenHash],
                  Self.usable(stored, partyID: attempt.partyID, templateID: attempt.templateID, now: attempt.now) else { return .refused }
            var nonce: [UInt8]?
            if let challengeID = attempt.challengeID {
                guard let challenge = stored.challenge, challenge.id == challengeID, challenge.expiresAt > attempt.now else { return .refused }
                nonce = challenge.nonce
            }
            // Deliberate: the template's bucket is charged last, and a refusal there leaves the
            // permission unspent (the attempt did not happen).
            if let wait = buckets.take(bucket: RateBucket.template(attempt.templateID), rate: attempt.templateRate, now: attempt.now) {
                return .templateLimited(retryAfter: wait)
            }
            permissions[attempt.tokenHash]?.usedAt = attempt.now
            return .admitted(stored.permission, challengeNonce: nonce)
        }
    }

    private static func usable(_ stored: Stored, partyID: String, templateID: TemplateID, now: Date) -> Bool {
        stored.usedAt == nil && stored.permission.partyID == partyID && stored.permission.templateID == templateID && stored.permission.expiresAt > now
    }
}
