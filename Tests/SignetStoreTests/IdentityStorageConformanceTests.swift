import SignetService
import SignetAuth
import Crypto
import Foundation
import GRDB
import SignetCore
import SignetLog
import SignetMarket
import SignetVault
@testable import SignetStore
import SignetTesting
import Testing

struct IdentityStorageConformanceTests {
    static func key() -> [UInt8] { Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation) }
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let t1 = TemplateID.random(using: SeededRandomBytes(seed: [1]))
    static let t2 = TemplateID.random(using: SeededRandomBytes(seed: [2]))

    @Test(arguments: Backend.available)
    func holdersRoundTripAndKeysAreUnique(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let key = Self.key()
            let holder = Holder(id: .random(), publicKey: key, registeredAt: Self.now)
            try await stores.identities.insert(holder)
            #expect(try await stores.identities.holder(holder.id) == holder)
            #expect(try await stores.identities.holder(.random()) == nil)
            await #expect(throws: MarketError(.conflict, "")) {
                try await stores.identities.insert(Holder(id: .random(), publicKey: key, registeredAt: Self.now))
            }
        }
    }

    @Test(arguments: Backend.available)
    func keysRotateByCompareAndSetAndRevokedKeysAreInactive(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let identities = stores.identities
            let (first, second, third, taken) = (Self.key(), Self.key(), Self.key(), Self.key())
            let holder = Holder(id: .random(), publicKey: first, registeredAt: Self.now)
            try await identities.insert(holder)
            try await identities.insert(Holder(id: .random(), publicKey: taken, registeredAt: Self.now))
            let principal = holder.id.principal
            #expect(try await identities.activeKey(of: principal) == first)
            #expect(try await identities.activeKey(of: HolderID.random().principal) == nil)

            // Compare-and-set: only from the active key, never onto a registered one.
            #expect(try await !identities.replaceKey(of: principal, from: second, to: third))
            await #expect(throws: MarketError(.conflict, "")) { try await identities.replaceKey(of: principal, from: first, to: taken) }
            #expect(try await identities.replaceKey(of: principal, from: first, to: second))
            #expect(try await identities.activeKey(of: principal) == second)
            #expect(try await identities.holder(holder.id)?.publicKey == second)
            // The old key is free again (its holder may register it anew); the new one is taken.
            try await identities.insert(Holder(id: .random(), publicKey: first, registeredAt: Self.now))

            // Revoked: inactive, not rotatable, revoked once.
            #expect(try await identities.revokeKey(of: principal, at: Self.now))
            #expect(try await identities.activeKey(of: principal) == nil)
            #expect(try await !identities.revokeKey(of: principal, at: Self.now))
            #expect(try await !identities.replaceKey(of: principal, from: second, to: third))
            #expect(try await !identities.revokeKey(of: HolderID.random().principal, at: Self.now))

            let party = try Party(id: .random(), name: "Corner Shop", contact: "ops@shop.example", publicKey: Self.key(), status: .approved, registeredAt: Self.now)
            try await identities.insert(party)
            #expect(try await identities.replaceKey(of: party.id.principal, from: party.publicKey, to: third))
            #expect(try await identities.party(party.id)?.status == .approved)
            #expect(try await identities.revokeKey(of: party.id.principal, at: Self.now))
            #expect(try await identities.activeKey(of: party.id.principal) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func partiesStartPendingAndCanBeApproved(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let party = try Party(id: .random(), name: "Corner Shop", contact: "ops@shop.example", publicKey: Self.key(), status: .pending, registeredAt: Self.now)
            try await stores.identities.insert(party)
            #expect(try await stores.identities.parties(status: .pending).map(\.id) == [party.id])
            #expect(party.approvedAt == nil)
            let approvedAt = Self.now.addingTimeInterval(8 * 86_400)
            let approved = try #require(try await stores.identities.setStatus(.approved, of: party.id, at: approvedAt))
            #expect(approved.status == .approved)
            #expect(approved.approvedAt == approvedAt)
            #expect(try await stores.identities.parties(status: .pending).isEmpty)
            #expect(try await stores.identities.party(party.id)?.status == .approved)
            #expect(try await stores.identities.setStatus(.approved, of: .random(), at: approvedAt) == nil)
            // The first approval is the one kept: suspension and re-approval do not make a party new.
            let suspended = try #require(try await stores.identities.setStatus(.suspended, of: party.id, at: approvedAt.addingTimeInterval(60)))
            #expect(suspended.approvedAt == approvedAt)
            let again = try #require(try await stores.identities.setStatus(.approved, of: party.id, at: approvedAt.addingTimeInterval(120)))
            #expect(again.approvedAt == approvedAt)
            #expect(try await stores.identities.parties(status: .approved).first?.approvedAt == approvedAt)
        }
    }

    @Test(arguments: Backend.available)
    func keysAreUniquePerKindAndPartiesListOldestFirst(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let shared = Self.key()
            try await stores.identities.insert(Holder(id: .random(), publicKey: shared, registeredAt: Self.now))
            // A party may register a key a holder registered: the tables are apart.
            let later = try Party(id: .random(), name: "B", contact: "b@x", publicKey: shared, status: .pending, registeredAt: Self.now.addingTimeInterval(5))
            let earlier = try Party(id: .random(), name: "A", contact: "a@x", publicKey: Self.key(), status: .pending, registeredAt: Self.now)
            try await stores.identities.insert(later)
            try await stores.identities.insert(earlier)
            #expect(try await stores.identities.parties(status: nil).map(\.id) == [earlier.id, later.id])
        }
    }

    @Test(arguments: Backend.available)
    func aStoredPermissionOrTemplateCannotBeStoredAgain(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let permission = Grant(tokenHash: Grant.hash(token: [1]), holderID: "h_a", partyID: "p_shop", templateID: Self.t1, expiresAt: Self.now)
            try await stores.grants.insert(permission)
            await #expect(throws: (any Error).self) { try await stores.grants.insert(permission) }
            let template = StoredTemplate(id: Self.t1, holderID: "h_a", bytes: [1], updatedAt: Self.now)
            try await stores.templates.insert(template)
            await #expect(throws: (any Error).self) { try await stores.templates.insert(template) }
        }
    }

    @Test(arguments: Backend.available)
    func aNonceCanBeUsedOnce(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let expiry = Self.now.addingTimeInterval(600)
            let first = try await stores.nonces.record(keyID: "h_a", nonce: "n1", expiry: expiry, now: Self.now)
            let replay = try await stores.nonces.record(keyID: "h_a", nonce: "n1", expiry: expiry, now: Self.now)
            let otherKey = try await stores.nonces.record(keyID: "h_b", nonce: "n1", expiry: expiry, now: Self.now)
            #expect(first)
            #expect(!replay)
            #expect(otherKey)
        }
    }
}

extension IdentityStorageConformanceTests {
    @Test(arguments: Backend.available)
    func activitySecretIsStableAndRecordsAreScoped(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let secrets = try await withThrowingTaskGroup(of: [UInt8].self) { group in
                for _ in 0..<8 { group.addTask { try await stores.activity.activitySecret(holderID: "h_alice") } }
                return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
            }
            #expect(secrets.count == 1)
            #expect(secrets.first?.count == 32)
            #expect(try await stores.activity.activitySecret(holderID: "h_bob") != secrets.first)
            let record = ActivityRecord(holderID: "h_alice", ledgerIndex: 4, kind: "enroll", eventID: [1], salt: [2], details: Array("{}".utf8), time: Self.now)
            try await stores.activity.record(record)
            #expect(try await stores.activity.activity(holderID: "h_alice", after: nil, limit: 10) == [record])
            #expect(try await stores.activity.activity(holderID: "h_bob", after: nil, limit: 10).isEmpty)
        }
    }

    /// Pages run in ledger order from just after the cursor; a cursor anywhere up to 2^64 − 1
    /// reads as "nothing after it", never traps.
    @Test(arguments: Backend.available)
    func activityPagesFollowTheLedgerOrder(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let records = [7, 2, 30, 11, 5].map { index in
                ActivityRecord(holderID: "h_alice", ledgerIndex: UInt64(index), kind: "use", eventID: [UInt8(index)], salt: [2],
                               details: Array("{}".utf8), time: Self.now)
            }
            for record in records { try await stores.activity.record(record) }
            let page = { (after: UInt64?, limit: Int) in try await stores.activity.activity(holderID: "h_alice", after: after, limit: limit).map(\.ledgerIndex) }
            #expect(try await page(nil, 2) == [2, 5])
            #expect(try await page(5, 2) == [7, 11])
            #expect(try await page(11, 10) == [30])
            #expect(try await page(30, 10).isEmpty)
            for cursor: UInt64 in [UInt64(Int64.max) - 1, UInt64(Int64.max), UInt64(Int64.max) + 1, .max] {
                #expect(try await page(cursor, 10).isEmpty, "\(cursor)")
            }
        }
    }
}

extension IdentityStorageConformanceTests {
    static let open = RateLimit(burst: 1e9, perSecond: 1e9)

    /// An attempt under wide-open limits unless others are given.
    static func attempt(_ hash: [UInt8], party: String = "p_shop", template: TemplateID = t1, challenge: String? = nil,
                        partyRate: RateLimit = open, templateRate: RateLimit = open, at now: Date = now) -> VerificationAttempt {
        VerificationAttempt(tokenHash: hash, partyID: party, templateID: template, challengeID: challenge,
                            partyRate: partyRate, templateRate: templateRate, now: now)
    }

    @Test(arguments: Backend.available)
    func aPermissionIsUsedOnceByItsPartyForItsTemplateBeforeItExpires(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let token: [UInt8] = [1, 2, 3]
            let permission = Grant(tokenHash: Grant.hash(token: token), holderID: "h_a", partyID: "p_shop", templateID: Self.t1, expiresAt: Self.now.addingTimeInterval(60))
            try await stores.grants.insert(permission)
            let hash = Grant.hash(token: token)
            #expect(try await stores.grants.admit(Self.attempt(hash, party: "p_other")) == .refused)
            #expect(try await stores.grants.admit(Self.attempt(hash, template: Self.t2)) == .refused)
            #expect(try await stores.grants.admit(Self.attempt(hash, at: Self.now.addingTimeInterval(61))) == .refused)
            // Concurrent uses: exactly one wins, and it returns the stored permission.
            let outcomes = try await withThrowingTaskGroup(of: Admission.self) { group in
                for _ in 0..<4 { group.addTask { try await stores.grants.admit(Self.attempt(hash)) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var used = permission
            used.uses = 1
            #expect(outcomes.filter { $0 == .admitted(used, challengeNonce: nil) }.count == 1)
            #expect(outcomes.filter { $0 == .refused }.count == 3)
        }
    }

    @Test(arguments: Backend.available)
    func revokingATemplatesPermissionsLeavesOthersUsable(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let expiry = Self.now.addingTimeInterval(600)
            for (token, template) in [([1], Self.t1), ([2], Self.t1), ([3], Self.t2)] as [([UInt8], TemplateID)] {
                try await stores.grants.insert(Grant(tokenHash: Grant.hash(token: token), holderID: "h_a", partyID: "p_shop", templateID: template, expiresAt: expiry))
            }
            // Issued after the cutoff: consent given since a change survives its revocations.
            try await stores.grants.insert(Grant(tokenHash: Grant.hash(token: [4]), holderID: "h_a", partyID: "p_shop", templateID: Self.t1,
                                                           expiresAt: expiry, issuedAt: Self.now.addingTimeInterval(5)))
            #expect(try await stores.grants.admit(Self.attempt(Grant.hash(token: [1]))) != .refused)
            #expect(try await stores.grants.revokeAll(templateID: Self.t1, issuedBefore: Self.now, now: Self.now) == 1)  // the used one is not counted
            #expect(try await stores.grants.admit(Self.attempt(Grant.hash(token: [2]))) == .refused)
            #expect(try await stores.grants.admit(Self.attempt(Grant.hash(token: [4]))) != .refused)
            #expect(try await stores.grants.admit(Self.attempt(Grant.hash(token: [3]), template: Self.t2)) != .refused)
        }
    }

    @Test(arguments: Backend.available)
    func aChallengeRidesOnItsPermissionAndIsConsumedWithIt(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let hash = Grant.hash(token: [9, 9])
            let permission = Grant(tokenHash: hash, holderID: "h_a", partyID: "p_shop", templateID: Self.t1, expiresAt: Self.now.addingTimeInterval(600))
            try await stores.grants.insert(permission)
            let first = Challenge.fresh(expiresAt: Self.now.addingTimeInterval(120))
            let second = Challenge.fresh(expiresAt: Self.now.addingTimeInterval(120))
            #expect(try await stores.grants.attach(first, tokenHash: hash, partyID: "p_other", templateID: Self.t1, now: Self.now) == false)
            #expect(try await stores.grants.attach(first, tokenHash: hash, partyID: "p_shop", templateID: Self.t2, now: Self.now) == false)
            #expect(try await stores.grants.attach(first, tokenHash: hash, partyID: "p_shop", templateID: Self.t1, now: Self.now))
            #expect(try await stores.grants.attach(second, tokenHash: hash, partyID: "p_shop", templateID: Self.t1, now: Self.now))
            // The first challenge was replaced; the second is dead once expired.
            #expect(try await stores.grants.admit(Self.attempt(hash, challenge: first.id)) == .refused)
            #expect(try await stores.grants.admit(Self.attempt(hash, challenge: second.id, at: Self.now.addingTimeInterval(121))) == .refused)
            let admitted = try await stores.grants.admit(Self.attempt(hash, challenge: second.id, at: Self.now.addingTimeInterval(1)))
            var used = permission
            used.uses = 1
            #expect(admitted == .admitted(used, challengeNonce: second.nonce))
            // Used: neither the challenge nor the bare permission works again, nor can a new challenge attach.
            #expect(try await stores.grants.admit(Self.attempt(hash, challenge: second.id)) == .refused)
            #expect(try await stores.grants.admit(Self.attempt(hash)) == .refused)
            #expect(try await stores.grants.attach(first, tokenHash: hash, partyID: "p_shop", templateID: Self.t1, now: Self.now) == false)
        }
    }

    @Test(arguments: Backend.available)
    func admissionChargesThePartyFirstAndTheTemplateOnlyForPermittedAttempts(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let tight = RateLimit(burst: 2, perSecond: 1)
            let hash = Grant.hash(token: [4])
            try await stores.grants.insert(Grant(tokenHash: hash, holderID: "h_a", partyID: "p_shop", templateID: Self.t1, expiresAt: Self.now.addingTimeInterval(600)))
            // Two refused attempts spend the party's two tokens and none of the template's.
            for _ in 0..<2 {
                #expect(try await stores.grants.admit(Self.attempt(Grant.hash(token: [5]), partyRate: tight, templateRate: tight)) == .refused)
            }
            guard case .partyLimited(let wait) = try await stores.grants.admit(Self.attempt(hash, partyRate: tight, templateRate: tight)) else {
                Issue.record("the third attempt should be refused by the party's limit")
                return
            }
            #expect(wait > 0.5 && wait <= 1)
            // Nothing else happened: a second later the permission is still there to spend.
            guard case .admitted = try await stores.grants.admit(Self.attempt(hash, partyRate: tight, templateRate: tight, at: Self.now.addingTimeInterval(1))) else {
                Issue.record("the permission should have been left unspent by the party-limited attempt")
                return
            }
        }
    }

    @Test(arguments: Backend.available)
    func aTemplateLimitedAttemptLeavesItsPermissionUnspent(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let once = RateLimit(burst: 1, perSecond: 0.1)
            let hashes = [Grant.hash(token: [6]), Grant.hash(token: [7])]
            for hash in hashes {
                try await stores.grants.insert(Grant(tokenHash: hash, holderID: "h_a", partyID: "p_shop", templateID: Self.t1, expiresAt: Self.now.addingTimeInterval(600)))
            }
            guard case .admitted = try await stores.grants.admit(Self.attempt(hashes[0], templateRate: once)) else {
                Issue.record("the first attempt should be admitted")
                return
            }
            guard case .templateLimited(let wait) = try await stores.grants.admit(Self.attempt(hashes[1], templateRate: once)) else {
                Issue.record("the second attempt should be refused by the template's limit")
                return
            }
            #expect(wait > 9 && wait <= 10)
            // Once the template's token is due, the same permission is still good, and only once.
            let later = Self.now.addingTimeInterval(10)
            guard case .admitted = try await stores.grants.admit(Self.attempt(hashes[1], templateRate: once, at: later)) else {
                Issue.record("the permission should have survived the template-limited attempt")
                return
            }
            #expect(try await stores.grants.admit(Self.attempt(hashes[1], templateRate: once, at: later.addingTimeInterval(10))) == .refused)
        }
    }

    @Test(arguments: Backend.available)
    func tokenBucketLimitsAndRefills(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            for _ in 0..<3 {
                let wait = try await stores.rateLimits.take(bucket: "party:p", capacity: 3, perSecond: 1, now: Self.now)
                #expect(wait == nil)
            }
            let denied = try await stores.rateLimits.take(bucket: "party:p", capacity: 3, perSecond: 1, now: Self.now)
            #expect((denied ?? 0) > 0.5)
            #expect(try await stores.rateLimits.take(bucket: "party:q", capacity: 3, perSecond: 1, now: Self.now) == nil)
            let later = try await stores.rateLimits.take(bucket: "party:p", capacity: 3, perSecond: 1, now: Self.now.addingTimeInterval(1.5))
            #expect(later == nil)
        }
    }

    @Test(arguments: Backend.available)
    func aClockBehindTheBucketsDoesNotDrainIt(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            // Another instance's clock 5 s behind (or a clock stepped back) counts as no time passed.
            #expect(try await stores.rateLimits.take(bucket: "party:p", capacity: 3, perSecond: 1, now: Self.now) == nil)
            #expect(try await stores.rateLimits.take(bucket: "party:p", capacity: 3, perSecond: 1, now: Self.now.addingTimeInterval(-5)) == nil)
            #expect(try await stores.rateLimits.take(bucket: "party:p", capacity: 3, perSecond: 1, now: Self.now) == nil)
            let denied = try #require(try await stores.rateLimits.take(bucket: "party:p", capacity: 3, perSecond: 1, now: Self.now.addingTimeInterval(-5)))
            #expect(denied > 0.5 && denied <= 1)
        }
    }
}

struct SchemaMigrationTests {
    @Test func sqliteMigratesFromTheFirstSchemaKeepingTheLog() async throws {
        try await withTemporaryDirectory("signet-migrate") { dir in
            let path = dir + "/signet.sqlite"
            // A database as the previous release left it: schema 1, with log entries.
            try await SQLiteLogStorage.testingOnlyCreateSchema(path: path, version: 1)
            let signer = try NoteSigner(generatingFor: "migrate.test/log")
            let old = try await SQLiteLogStorage.open(path: path, migrate: false)
            let sequencer = Sequencer(storage: old, signer: signer)
            for i in 0..<50 { _ = try await sequencer.append(Array("old \(i)".utf8)) }
            await old.close()
            // Opening with this build migrates to the latest schema; the log still verifies.
            let identity = try await SQLiteIdentityStorage.open(path: path)
            try await identity.insert(Holder(id: .random(), publicKey: IdentityStorageConformanceTests.key(), registeredAt: Date()))
            await identity.close()
            let reopened = try await SQLiteLogStorage.open(path: path)
            #expect(try await LogIntegrity.check(storage: reopened, verifier: signer.verifier).checkpoint?.checkpoint.size == 50)
            await reopened.close()
        }
    }

    /// Schema 16: approved parties without an approval time get their registration's, and
    /// honey marks leave the exact time that matched their decoy's registration.
    @Test func sqliteMigrationSixteenBackfillsApprovalsAndBlursHoneyMarks() async throws {
        try await withTemporaryDirectory("signet-migrate") { dir in
            let path = dir + "/signet.sqlite"
            try await SQLiteLogStorage.testingOnlyCreateSchema(path: path, version: 15)
            let (approved, pending, suspended) = (PartyID.random(), PartyID.random(), PartyID.random())
            let registered = 1_790_000_123.5
            let queue = try DatabaseQueue(path: path)
            try await queue.write { db in
                for (id, status) in [(approved, "approved"), (pending, "pending"), (suspended, "suspended")] {
                    try db.execute(sql: "INSERT INTO parties (id, name, contact, public_key, status, registered_at) VALUES (?, 'P', 'p@x', ?, ?, ?)",
                                   arguments: [id.rawValue, Data(IdentityStorageConformanceTests.key()), status, registered])
                }
                try db.execute(sql: "INSERT INTO honey_marks (fingerprint, planted_at) VALUES (?, ?)", arguments: [Data([1, 2]), registered])
            }
            try queue.close()
            let identity = try await SQLiteIdentityStorage.open(path: path)
            #expect(try await identity.party(approved)?.approvedAt == Date(timeIntervalSince1970: registered))
            #expect(try await identity.party(pending)?.approvedAt == nil)
            // A suspended party may never have been approved: it gets no approval time.
            #expect(try await identity.party(suspended)?.approvedAt == nil)
            await identity.close()
            let watch = try await SQLiteWatchStorage.open(path: path)
            #expect(try await watch.honeyMarks(plantedSince: Date(timeIntervalSince1970: registered + 1)) == [[1, 2]])
            #expect(try await watch.honeyMarks(plantedSince: Date(timeIntervalSince1970: 1_790_002_800 + 1)).isEmpty)
            await watch.close()
        }
    }
}
