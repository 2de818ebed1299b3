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
        var grant: Grant
        var challenge: Challenge?
        let order: Int
    }

    private let buckets: MemoryRateLimitStorage
    private let grants = Mutex<(byHash: [[UInt8]: Stored], count: Int)>(([:], 0))

    /// Creates an empty store charging `buckets` (share them with the store's
    /// ``RateLimitStorage``, so challenges and verifications spend one party budget).
    public init(buckets: MemoryRateLimitStorage) {
        self.buckets = buckets
    }

    public func insert(_ grant: Grant) async throws {
        try grants.withLock { grants in
            // A token hash is a primary key in the database stores too.
            guard grants.byHash[grant.tokenHash] == nil else { throw MarketError(.conflict, "this grant token is already stored") }
            grants.byHash[grant.tokenHash] = Stored(grant: grant, order: grants.count)
            grants.count += 1
        }
    }

    public func grant(tokenHash: [UInt8]) async throws -> Grant? {
        grants.withLock { $0.byHash[tokenHash]?.grant }
    }

    public func grants(holderID: String) async throws -> [Grant] {
        newestFirst { $0.holderID == holderID }.map { grant in
            var listed = grant
            listed.token = nil
            return listed
        }
    }

    public func grants(partyID: String) async throws -> [Grant] {
        newestFirst { $0.partyID == partyID }
    }

    public func revoke(tokenHash: [UInt8], holderID: String, cause: RevocationCause, now: Date) async throws -> Grant? {
        grants.withLock { grants in
            guard let stored = grants.byHash[tokenHash], stored.grant.holderID == holderID, stored.grant.revokedAt == nil else { return nil }
            grants.byHash[tokenHash]?.grant.revokedAt = now
            grants.byHash[tokenHash]?.grant.revokedBy = cause
            return grants.byHash[tokenHash]?.grant
        }
    }

    public func statusIndices() async throws -> StatusIndices {
        grants.withLock { grants in
            let stopped = grants.byHash.values.map(\.grant).filter { $0.revokedAt != nil }
            return StatusIndices(revoked: stopped.filter { $0.revokedBy != .watch }.compactMap(\.statusIndex),
                                 suspended: stopped.filter { $0.revokedBy == .watch }.compactMap(\.statusIndex),
                                 highest: grants.byHash.values.compactMap(\.grant.statusIndex).max() ?? -1)
        }
    }

    public func record(partyID: String) async throws -> (grants: Int, revocations: Int) {
        grants.withLock { grants in
            let theirs = grants.byHash.values.filter { $0.grant.partyID == partyID }
            return (theirs.count, theirs.filter { $0.grant.revokedBy == .holder }.count)
        }
    }

    public func revokeAll(templateID: TemplateID, issuedBefore: Date, now: Date) async throws -> Int {
        grants.withLock { grants in
            var revoked = 0
            for (hash, stored) in grants.byHash where stored.grant.templateID == templateID && Self.hasUseLeft(stored.grant)
                && (stored.grant.issuedAt ?? .distantPast) < issuedBefore {
                grants.byHash[hash]?.grant.revokedAt = now
                revoked += 1
            }
            return revoked
        }
    }

    public func revokeAll(_ owner: GrantOwner, cause: RevocationCause, now: Date) async throws -> [Grant] {
        grants.withLock { grants in
            var stopped: [Grant] = []
            for (hash, stored) in grants.byHash where stored.grant.revokedAt == nil {
                switch owner {
                case .holder(let id) where stored.grant.holderID == id, .party(let id) where stored.grant.partyID == id: break
                default: continue
                }
                grants.byHash[hash]?.grant.revokedAt = now
                grants.byHash[hash]?.grant.revokedBy = cause
                stopped.append(grants.byHash[hash]!.grant)
            }
            return stopped
        }
    }

    public func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: TemplateID, now: Date) async throws -> Bool {
        grants.withLock { grants in
            guard let stored = grants.byHash[tokenHash], Self.usable(stored, partyID: partyID, templateID: templateID, now: now) else { return false }
            grants.byHash[tokenHash]?.challenge = challenge
            return true
        }
    }

    public func admit(_ attempt: VerificationAttempt) async throws -> Admission {
        grants.withLock { grants in
            if let wait = buckets.take(bucket: RateBucket.party(attempt.partyID), rate: attempt.partyRate, now: attempt.now) {
                return .partyLimited(retryAfter: wait)
            }
            guard let stored = grants.byHash[attempt.tokenHash],
                  Self.usable(stored, partyID: attempt.partyID, templateID: attempt.templateID, now: attempt.now) else { return .refused }
            var nonce: [UInt8]?
            if let challengeID = attempt.challengeID {
                guard let challenge = stored.challenge, challenge.id == challengeID, challenge.expiresAt > attempt.now else { return .refused }
                nonce = challenge.nonce
            }
            // Deliberate: the template's bucket is charged last, and a refusal there leaves the
            // use unspent (the attempt did not happen).
            if let wait = buckets.take(bucket: RateBucket.template(attempt.templateID), rate: attempt.templateRate, now: attempt.now) {
                return .templateLimited(retryAfter: wait)
            }
            grants.byHash[attempt.tokenHash]?.grant.uses += 1
            // A challenge answers one verification.
            if attempt.challengeID != nil { grants.byHash[attempt.tokenHash]?.challenge = nil }
            return .admitted(grants.byHash[attempt.tokenHash]!.grant, challengeNonce: nonce)
        }
    }

    private func newestFirst(_ matching: (Grant) -> Bool) -> [Grant] {
        grants.withLock { $0.byHash.values.filter { matching($0.grant) }.sorted { $0.order > $1.order }.map(\.grant) }
    }

    private static func hasUseLeft(_ grant: Grant) -> Bool {
        grant.revokedAt == nil && grant.uses < grant.maxUses
    }

    private static func usable(_ stored: Stored, partyID: String, templateID: TemplateID, now: Date) -> Bool {
        hasUseLeft(stored.grant) && stored.grant.partyID == partyID && stored.grant.templateID == templateID && stored.grant.expiresAt > now
    }
}
