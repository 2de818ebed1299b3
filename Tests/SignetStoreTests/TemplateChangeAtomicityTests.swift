import Crypto
import Foundation
import Logging
import SignetCore
import SignetLog
import SignetMarket
import SignetService
import SignetStore
import SignetTesting
import SignetVault
import Synchronization
import Testing

/// Enrollment, renewal and deletion are never half-done, on every backend: a failure injected
/// between their steps leaves a journal entry, and recovery completes the change (template,
/// revocations, ledger event and activity record) or drops it, and never logs an event twice.
@Suite struct TemplateChangeAtomicityTests {
    @Test(arguments: Backend.available)
    func aFailingLedgerDuringEnrollmentIsCompletedByRecovery(_ backend: Backend) async throws {
        try await withFaultyService(backend) { world in
            let alice = try await world.holder()
            await world.failingEnrollment(of: alice, with: world.faults.log)
            // The write happened, the event did not: the journal says so, and nobody saw an event.
            let pending = try await world.service.stores.activity.unfinished(claimableAt: .distantFuture, limit: 10)
            #expect(pending.map(\.kind) == ["enroll"])
            #expect(try await world.service.activity(as: alice).entries.isEmpty)

            let report = try await world.service.recoverUnfinishedChanges(at: .distantFuture)
            #expect(report == RecoveryReport(completed: 1, dropped: 0))
            let entries = try await world.service.activity(as: alice).entries
            #expect(entries.map(\.record.kind) == ["enroll"])
            #expect(entries.first.map { String(decoding: $0.record.details, as: UTF8.self) } == "{\"template\":\"\(pending[0].templateID.rawValue)\"}")
            #expect(try await world.service.stores.activity.unfinished(claimableAt: .distantFuture, limit: 10).isEmpty)
            // A second pass finds nothing to do.
            #expect(try await world.service.recoverUnfinishedChanges(at: .distantFuture) == RecoveryReport())
        }
    }

    @Test(arguments: Backend.available)
    func aFailingRevocationDuringRenewalIsCompletedByRecovery(_ backend: Backend) async throws {
        try await withFaultyService(backend) { world in
            let alice = try await world.holder()
            let shop = try await world.party()
            let template = try await world.service.enroll(samples: [EmbeddingInput(Self.face)], as: alice).id.rawValue
            let permission = try await world.service.permit(PermissionRequest(templateID: template, partyID: shop.rawValue), as: alice)
            world.faults.revocation.arm()
            await #expect(throws: (any Error).self) {
                try await world.service.renew(template, samples: [EmbeddingInput(Self.face)], as: alice)
            }
            world.faults.revocation.disarm()

            #expect(try await world.service.recoverUnfinishedChanges(at: .distantFuture) == RecoveryReport(completed: 1, dropped: 0))
            #expect(try await world.service.activity(as: alice).entries.map(\.record.kind) == ["enroll", "grant", "renew"])
            // The permission given for the old helper data is revoked.
            await #expect(throws: ServiceError(.invalidGrant, "")) {
                try await world.service.verify(
                    .probe(token: try #require(try NumberedKeys.present(permission.token, at: world.service.configuration.now())),
                           probe: EmbeddingInput(Self.face)), as: shop)
            }
        }
    }

    @Test(arguments: Backend.available)
    func aFailingLedgerDuringDeletionIsCompletedByRecovery(_ backend: Backend) async throws {
        try await withFaultyService(backend) { world in
            let alice = try await world.holder()
            let template = try await world.service.enroll(samples: [EmbeddingInput(Self.face)], as: alice).id.rawValue
            world.faults.log.arm()
            await #expect(throws: (any Error).self) { try await world.service.delete(template, as: alice) }
            world.faults.log.disarm()
            #expect(try await world.service.recoverUnfinishedChanges(at: .distantFuture) == RecoveryReport(completed: 1, dropped: 0))
            #expect(try await world.service.activity(as: alice).entries.map(\.record.kind) == ["enroll", "delete"])
        }
    }

    /// The entry reached the ledger but the holder's record did not: recovery writes the record
    /// and finds the entry where it is, so the ledger holds the event once.
    @Test(arguments: Backend.available)
    func aFailureAfterTheAppendNeverLogsTheEventTwice(_ backend: Backend) async throws {
        try await withFaultyService(backend) { world in
            let alice = try await world.holder()
            await world.failingEnrollment(of: alice, with: world.faults.activityRecord)
            let sizeBefore = try await world.logSize()
            #expect(try await world.service.recoverUnfinishedChanges(at: .distantFuture) == RecoveryReport(completed: 1, dropped: 0))
            #expect(try await world.logSize() == sizeBefore)
            let entries = try await world.service.activity(as: alice).entries
            #expect(entries.map(\.record.kind) == ["enroll"])
            #expect(entries.first?.record.ledgerIndex == sizeBefore - 1)
        }
    }

    /// The template store refused the write: nothing happened, and recovery drops the entry
    /// without logging anything.
    @Test(arguments: Backend.available)
    func aFailedTemplateWriteIsDropped(_ backend: Backend) async throws {
        try await withFaultyService(backend) { world in
            let alice = try await world.holder()
            let sizeBefore = try await world.logSize()
            await world.failingEnrollment(of: alice, with: world.faults.templateWrite)
            #expect(try await world.service.recoverUnfinishedChanges(at: .distantFuture) == RecoveryReport(completed: 0, dropped: 1))
            #expect(try await world.logSize() == sizeBefore)
            #expect(try await world.service.activity(as: alice).entries.isEmpty)
            #expect(try await world.service.stores.templates.templateIDs(holderID: alice.rawValue).isEmpty)
        }
    }

    /// The request that began a change owns it until its claim runs out; then exactly one
    /// recovery claims it.
    @Test(arguments: Backend.available)
    func recoveryLeavesClaimedChangesAlone(_ backend: Backend) async throws {
        try await withFaultyService(backend) { world in
            let alice = try await world.holder()
            await world.failingEnrollment(of: alice, with: world.faults.log)
            let change = try #require(try await world.service.stores.activity.unfinished(claimableAt: .distantFuture, limit: 10).first)
            #expect(try await world.service.recoverUnfinishedChanges(at: change.claimedUntil) == RecoveryReport())
            let later = change.claimedUntil.addingTimeInterval(1)
            #expect(try await world.service.recoverUnfinishedChanges(at: later).completed == 1)
        }
    }

    @Test(arguments: Backend.available)
    func theJournalKeepsEntriesUntilFinishedAndRecordsAreIdempotent(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let activity = stores.activity
            let older = Self.change(byte: 1, time: 100, keyHash: [UInt8](repeating: 7, count: 32))
            let newer = Self.change(byte: 2, time: 200, keyHash: nil)
            try await activity.begin(newer)
            try await activity.begin(older)
            // Claimable once their claims (time + 300 s here) run out; oldest first.
            #expect(try await activity.unfinished(claimableAt: Date(timeIntervalSince1970: 1_000), limit: 10) == [older, newer])
            #expect(try await activity.unfinished(claimableAt: Date(timeIntervalSince1970: 450), limit: 10) == [older])
            #expect(try await activity.unfinished(claimableAt: Date(timeIntervalSince1970: 1_000), limit: 1) == [older])
            // A claim is a compare-and-set: of two claimants at the same moment, one wins.
            let at = Date(timeIntervalSince1970: 1_000)
            #expect(try await activity.claim(eventID: older.eventID, now: at, until: at.addingTimeInterval(120)))
            #expect(try await !activity.claim(eventID: older.eventID, now: at, until: at.addingTimeInterval(120)))
            #expect(try await activity.unfinished(claimableAt: at, limit: 10) == [newer])
            #expect(try await activity.claim(eventID: older.eventID, now: at.addingTimeInterval(121), until: at.addingTimeInterval(300)))
            #expect(try await !activity.claim(eventID: [9, 9], now: at, until: at))
            try await activity.finish(eventID: older.eventID)
            try await activity.finish(eventID: older.eventID)
            #expect(try await activity.unfinished(claimableAt: Date(timeIntervalSince1970: 1_000), limit: 10) == [newer])

            let record = ActivityRecord(holderID: "h_x", ledgerIndex: 3, kind: "enroll", eventID: [1], salt: [2], details: Array("{}".utf8),
                                        time: Date(timeIntervalSince1970: 100))
            try await activity.record(record)
            try await activity.record(record)
            #expect(try await activity.activity(holderID: "h_x", after: nil, limit: 10).count == 1)
        }
    }

    static func change(byte: UInt8, time: TimeInterval, keyHash: [UInt8]?) -> PendingChange {
        PendingChange(eventID: [UInt8](repeating: byte, count: 16), holderID: "h_holder\(byte)", kind: keyHash == nil ? "delete" : "enroll",
                      templateID: .random(using: SeededRandomBytes(seed: [byte])), salt: [UInt8](repeating: byte &+ 1, count: 16),
                      time: Date(timeIntervalSince1970: time), logSize: UInt64(byte) * 1_000_000_000_000, templateKeyHash: keyHash,
                      claimedUntil: Date(timeIntervalSince1970: time + 300))
    }

    static let face: [Float] = (0..<16).map { Float(sin(Double($0) * 1.7 + 0.3)) }
}

/// Switches a test flips to make one store operation fail.
struct Faults: Sendable {
    let log = Fault()
    let revocation = Fault()
    let activityRecord = Fault()
    let templateWrite = Fault()
}

/// One injected failure, off until armed.
final class Fault: Sendable {
    private let armed = Atomic<Bool>(false)

    func arm() { armed.store(true, ordering: .sequentiallyConsistent) }
    func disarm() { armed.store(false, ordering: .sequentiallyConsistent) }
    func check() throws {
        if armed.load(ordering: .sequentiallyConsistent) { throw StoreError(.unavailable, "injected fault") }
    }
}

/// The workflows on `backend`'s stores with faults that can be injected into the log's writer,
/// permission revocation, activity records and template writes.
final class FaultyWorld: Sendable {
    let service: SignetService
    let faults: Faults
    let log: any LogStorage
    private let counter = Atomic<UInt8>(1)

    init(service: SignetService, faults: Faults, log: any LogStorage) {
        self.service = service
        self.faults = faults
        self.log = log
    }

    func holder() async throws -> PrincipalID {
        let number = counter.add(1, ordering: .relaxed).newValue
        let holder = try service.newHolder(publicKey: Self.publicKey(number))
        try await service.register(holder)
        return holder.id.principal
    }

    func party() async throws -> PrincipalID {
        let number = counter.add(1, ordering: .relaxed).newValue
        let party = try service.newParty(name: "Party \(number)", contact: "ops@party\(number).example", publicKey: Self.publicKey(number))
        try await service.register(party)
        _ = try await service.approve(party: party.id.rawValue)
        return party.id.principal
    }

    /// An enrollment for `holder` while `fault` is armed: it must fail.
    func failingEnrollment(of holder: PrincipalID, with fault: Fault) async {
        fault.arm()
        defer { fault.disarm() }
        await #expect(throws: (any Error).self) {
            try await service.enroll(samples: [EmbeddingInput(TemplateChangeAtomicityTests.face)], as: holder)
        }
    }

    func logSize() async throws -> UInt64 {
        var size: UInt64 = 0
        while true {
            let page = try await log.entries(from: size, count: 256)
            size += UInt64(page.count)
            if page.count < 256 { return size }
        }
    }

    static func publicKey(_ number: UInt8) -> [UInt8] {
        Array(try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: number, count: 32)).publicKey.rawRepresentation)
    }
}

func withFaultyService(_ backend: Backend, _ body: @Sendable (FaultyWorld) async throws -> Void) async throws {
    try await withFreshStores(backend) { stores, _ in
        let faults = Faults()
        let log = FaultyLogStorage(base: stores.log, fault: faults.log)
        let faulty = Stores(
            log: log, identities: stores.identities, nonces: stores.nonces,
            activity: FaultyActivityStorage(base: stores.activity, fault: faults.activityRecord),
            templates: FaultyTemplateStorage(base: stores.templates, fault: faults.templateWrite),
            grants: FaultyGrantStorage(base: stores.grants, fault: faults.revocation),
            rateLimits: stores.rateLimits, offers: stores.offers, protocols: stores.protocols, attributes: stores.attributes, watch: stores.watch) {}
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let ledger = try await Ledger.open(
            signer: try NoteSigner(name: "atomicity.test/log", privateKey: Curve25519.Signing.PrivateKey()), storage: log, logger: logger)
        let service = SignetService(
            ledger: ledger, stores: faulty, results: await ResultSigner(privateKey: .init()),
            vault: try VaultConfiguration(dimension: 16, alpha: 4, kdf: .insecureTesting),
            configuration: ServiceConfiguration().withoutRateLimits())
        let result = await Result { try await body(FaultyWorld(service: service, faults: faults, log: log)) }
        await ledger.close()
        try result.get()
    }
}

struct FaultyLogStorage: LogStorage {
    let base: any LogStorage
    let fault: Fault

    func withWriter<T: Sendable>(_ body: @Sendable (any LogWriteTransaction) async throws -> T) async throws -> T {
        try fault.check()
        return try await base.withWriter(body)
    }
    func latestCheckpoint() async throws -> String? { try await base.latestCheckpoint() }
    func tile(level: Int, index: UInt64) async throws -> [UInt8]? { try await base.tile(level: level, index: index) }
    func entries(from start: UInt64, count: Int) async throws -> [[UInt8]] { try await base.entries(from: start, count: count) }
    func close() async {}
}

struct FaultyActivityStorage: HolderActivityStorage {
    let base: any HolderActivityStorage
    let fault: Fault

    func activitySecret(holderID: String) async throws -> [UInt8] { try await base.activitySecret(holderID: holderID) }
    func record(_ record: ActivityRecord) async throws {
        try fault.check()
        try await base.record(record)
    }
    func activity(holderID: String, after ledgerIndex: UInt64?, limit: Int) async throws -> [ActivityRecord] {
        try await base.activity(holderID: holderID, after: ledgerIndex, limit: limit)
    }
    func begin(_ change: PendingChange) async throws { try await base.begin(change) }
    func finish(eventID: [UInt8]) async throws { try await base.finish(eventID: eventID) }
    func unfinished(claimableAt now: Date, limit: Int) async throws -> [PendingChange] { try await base.unfinished(claimableAt: now, limit: limit) }
    func claim(eventID: [UInt8], now: Date, until: Date) async throws -> Bool { try await base.claim(eventID: eventID, now: now, until: until) }
}

struct FaultyTemplateStorage: TemplateStorage {
    let base: any TemplateStorage
    let fault: Fault

    func insert(_ template: StoredTemplate) async throws {
        try fault.check()
        try await base.insert(template)
    }
    func template(id: TemplateID, holderID: String) async throws -> StoredTemplate? { try await base.template(id: id, holderID: holderID) }
    func template(id: TemplateID) async throws -> StoredTemplate? { try await base.template(id: id) }
    func publicKey(id: TemplateID) async throws -> [UInt8]? { try await base.publicKey(id: id) }
    func replace(id: TemplateID, holderID: String, bytes: [UInt8], publicKey: [UInt8]?, at date: Date) async throws -> Bool {
        try fault.check()
        return try await base.replace(id: id, holderID: holderID, bytes: bytes, publicKey: publicKey, at: date)
    }
    func delete(id: TemplateID, holderID: String) async throws -> Bool {
        try fault.check()
        return try await base.delete(id: id, holderID: holderID)
    }
    func templateIDs(holderID: String) async throws -> [TemplateID] { try await base.templateIDs(holderID: holderID) }
    func lockAll(holderID: String, at date: Date) async throws -> Int { try await base.lockAll(holderID: holderID, at: date) }
}

struct FaultyGrantStorage: GrantStorage, VerificationAdmission {
    let base: any GrantStorage & VerificationAdmission
    let fault: Fault

    func insert(_ grant: Grant) async throws { try await base.insert(grant) }
    func grant(tokenHash: [UInt8]) async throws -> Grant? { try await base.grant(tokenHash: tokenHash) }
    func grants(holderID: String) async throws -> [Grant] { try await base.grants(holderID: holderID) }
    func grants(partyID: String) async throws -> [Grant] { try await base.grants(partyID: partyID) }
    func revoke(tokenHash: [UInt8], holderID: String, cause: RevocationCause, now: Date) async throws -> Grant? {
        try await base.revoke(tokenHash: tokenHash, holderID: holderID, cause: cause, now: now)
    }
    func statusIndices() async throws -> StatusIndices { try await base.statusIndices() }
    func revokeAll(_ owner: GrantOwner, cause: RevocationCause, now: Date) async throws -> [Grant] { try await base.revokeAll(owner, cause: cause, now: now) }
    func record(partyID: String) async throws -> (grants: Int, revocations: Int) { try await base.record(partyID: partyID) }
    func revokeAll(templateID: TemplateID, issuedBefore: Date, now: Date) async throws -> Int {
        try fault.check()
        return try await base.revokeAll(templateID: templateID, issuedBefore: issuedBefore, now: now)
    }
    func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: TemplateID, now: Date) async throws -> Bool {
        try await base.attach(challenge, tokenHash: tokenHash, partyID: partyID, templateID: templateID, now: now)
    }
    func admit(_ attempt: VerificationAttempt) async throws -> Admission { try await base.admit(attempt) }
}
