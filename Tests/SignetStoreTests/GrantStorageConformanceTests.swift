import Foundation
import SignetAuth
import SignetCore
import SignetMarket
import SignetService
import SignetTesting
import Testing

/// Grants behave alike in memory, SQLite and PostgreSQL: counted uses (atomic across
/// instances), revocation, listing, the status list's indices.
struct GrantStorageConformanceTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let template = TemplateID("t_AAAAAAAAAAAAAAAAAAAAAA")!
    static let open = RateLimit(burst: 1e9, perSecond: 1e9)

    static func grant(_ seed: UInt8, holder: String = "h_alice", party: String = "p_shop", maxUses: Int = 3, index: Int? = nil,
                      issuedAt offset: TimeInterval = 0) -> Grant {
        Grant(tokenHash: Grant.hash(token: [seed]), holderID: holder, partyID: party, templateID: template,
              expiresAt: now.addingTimeInterval(3600), issuedAt: now.addingTimeInterval(offset), maxUses: maxUses,
              statusIndex: index ?? Int(seed), offerID: "o_offer\(seed)", purpose: "dpv:IdentityVerification", token: "issuer.jwt.\(seed)~")
    }

    static func attempt(_ grant: Grant, party: String = "p_shop", at time: Date = now) -> VerificationAttempt {
        VerificationAttempt(tokenHash: grant.tokenHash, partyID: party, templateID: template, partyRate: open, templateRate: open, now: time)
    }

    @Test(arguments: Backend.available)
    func theLastUseIsTakenOnceEvenByConcurrentAttemptsOnTwoInstances(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, reopen in
            let other = try await reopen()
            let grant = Self.grant(1, maxUses: 3)
            try await stores.grants.insert(grant)
            let admitted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<12 {
                    let instance = i.isMultiple(of: 2) ? stores : other
                    group.addTask {
                        if case .admitted = try await instance.grants.admit(Self.attempt(grant)) { return true }
                        return false
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(admitted == 3)
            let stored = try #require(try await stores.grants.grant(tokenHash: grant.tokenHash))
            #expect(stored.uses == 3 && stored.state(at: Self.now) == .usedUp)
        }
    }

    @Test(arguments: Backend.available)
    func aGrantRoundTripsAndIsListedForItsHolderAndItsParty(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let first = Self.grant(1, issuedAt: 0), second = Self.grant(2, issuedAt: 10), foreign = Self.grant(3, holder: "h_bob", party: "p_other")
            for grant in [first, second, foreign] { try await stores.grants.insert(grant) }
            #expect(try await stores.grants.grant(tokenHash: first.tokenHash) == first)
            let listed = try await stores.grants.grants(holderID: "h_alice")
            #expect(listed.map(\.tokenHash) == [second.tokenHash, first.tokenHash])
            // The holder's list leaves the party's token out, and nothing else.
            var tokenless = first
            tokenless.token = nil
            #expect(listed.last == tokenless && first.token != nil)
            #expect(try await stores.grants.grants(partyID: "p_other") == [foreign])
            #expect(try await stores.grants.grants(holderID: "h_nobody").isEmpty)
            await #expect(throws: (any Error).self) { try await stores.grants.insert(first) }
        }
    }

    @Test(arguments: Backend.available)
    func revocationIsOnceOnlyByTheHolderAndStopsTheNextUse(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, reopen in
            let grant = Self.grant(1, index: 41)
            try await stores.grants.insert(grant)
            #expect(try await stores.grants.revoke(tokenHash: grant.tokenHash, holderID: "h_mallory", cause: .holder, now: Self.now) == nil)
            let revoked = try #require(try await stores.grants.revoke(tokenHash: grant.tokenHash, holderID: "h_alice", cause: .holder, now: Self.now))
            #expect(revoked.revokedAt == Self.now && revoked.state(at: Self.now) == .revoked)
            #expect(try await stores.grants.revoke(tokenHash: grant.tokenHash, holderID: "h_alice", cause: .holder, now: Self.now) == nil)
            // Immediately, on another instance too.
            #expect(try await reopen().grants.admit(Self.attempt(grant)) == .refused)
            #expect(try await stores.grants.statusIndices().revoked == [41])
            #expect(try await stores.grants.statusIndices().highest == 41)
        }
    }

    @Test(arguments: Backend.available)
    func usesAreRefusedToAnotherPartyAfterExpiryAndAfterATemplateChange(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let grant = Self.grant(1)
            try await stores.grants.insert(grant)
            #expect(try await stores.grants.admit(Self.attempt(grant, party: "p_other")) == .refused)
            #expect(try await stores.grants.admit(Self.attempt(grant, at: grant.expiresAt)) == .refused)
            guard case .admitted(let used, _) = try await stores.grants.admit(Self.attempt(grant)) else {
                Issue.record("a fresh grant is usable")
                return
            }
            #expect(used.uses == 1 && used.maxUses == 3)
            // A renewal revokes the grants issued before it: marked in the status list too.
            #expect(try await stores.grants.revokeAll(templateID: Self.template, issuedBefore: Self.now.addingTimeInterval(1), now: Self.now) == 1)
            #expect(try await stores.grants.admit(Self.attempt(grant)) == .refused)
            #expect(try await stores.grants.statusIndices().revoked == [1])
        }
    }
}

extension GrantStorageConformanceTests {
    @Test(arguments: Backend.available)
    func aPartysRecordCountsItsGrantsAndOnlyTheHoldersOwnRevocations(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            for seed: UInt8 in 1...4 { try await stores.grants.insert(Self.grant(seed, holder: "h_\(seed)")) }
            try await stores.grants.insert(Self.grant(9, party: "p_other"))
            _ = try await stores.grants.revoke(tokenHash: Self.grant(1).tokenHash, holderID: "h_1", cause: .holder, now: Self.now)
            _ = try await stores.grants.revoke(tokenHash: Self.grant(2).tokenHash, holderID: "h_2", cause: .holder, now: Self.now)
            // Nor does a lockdown's.
            let locked = try await stores.grants.revoke(tokenHash: Self.grant(3).tokenHash, holderID: "h_3", cause: .lockdown, now: Self.now)
            #expect(locked?.revokedBy == .lockdown)
            // A renewal's revocation says nothing about the party.
            _ = try await stores.grants.revokeAll(templateID: Self.template, issuedBefore: Self.now.addingTimeInterval(1), now: Self.now)
            let record = try await stores.grants.record(partyID: "p_shop")
            #expect(record.grants == 4 && record.revocations == 2)
            let nobody = try await stores.grants.record(partyID: "p_nobody")
            #expect(nobody.grants == 0 && nobody.revocations == 0)
        }
    }
}

extension GrantStorageConformanceTests {
    /// A lockdown stops all of a holder's grants; the watch freezes all of a party's, and those
    /// are SUSPENDED in the status list, not INVALID, and not charged to the party's record as
    /// the holders' own revocations.
    @Test(arguments: Backend.available)
    func bulkRevocationsStopEveryGrantOfAHolderOrAPartyOnce(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, reopen in
            let (first, second) = (Self.grant(1, index: 1), Self.grant(2, index: 2))
            let foreign = Grant(tokenHash: Array(repeating: 9, count: 32), holderID: "h_bob", partyID: "p_other", templateID: Self.template,
                                expiresAt: Self.now.addingTimeInterval(600), issuedAt: Self.now, maxUses: 3, statusIndex: 3)
            for grant in [first, second, foreign] { try await stores.grants.insert(grant) }
            let locked = try await stores.grants.revokeAll(.holder("h_alice"), cause: .lockdown, now: Self.now)
            #expect(Set(locked.map(\.tokenHash)) == [first.tokenHash, second.tokenHash])
            #expect(locked.allSatisfy { $0.revokedBy == .lockdown && $0.state(at: Self.now) == .revoked })
            #expect(try await stores.grants.revokeAll(.holder("h_alice"), cause: .lockdown, now: Self.now).isEmpty)
            #expect(try await reopen().grants.admit(Self.attempt(first)) == .refused)

            let frozen = try await stores.grants.revokeAll(.party("p_other"), cause: .watch, now: Self.now)
            #expect(frozen.map(\.tokenHash) == [foreign.tokenHash] && frozen.first?.state(at: Self.now) == .suspended)
            #expect(try await stores.grants.grant(tokenHash: foreign.tokenHash)?.revokedBy == .watch)
            let indices = try await stores.grants.statusIndices()
            #expect(indices.revoked.sorted() == [1, 2] && indices.suspended == [3] && indices.highest == 3)
            #expect(try await stores.grants.record(partyID: "p_other") == (grants: 1, revocations: 0))
        }
    }
}
