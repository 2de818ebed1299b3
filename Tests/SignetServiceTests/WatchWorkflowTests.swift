import Crypto
import Foundation
import SignetCore
import SignetMarket
import SignetService
import SignetVault
import SignetWatch
import Synchronization
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// The watch inside the service: what each finding leads to, through the same workflows as
/// everything else.
struct WatchWorkflowTests {
    /// Webhook requests as a receiver saw them; the first `failures` are answered 503.
    final class WebhookReceiver: Sendable {
        let requests = Mutex<[URLRequest]>([])
        let failures: Int

        init(failures: Int) { self.failures = failures }

        func receive(_ request: URLRequest) -> Int {
            requests.withLock { requests in
                requests.append(request)
                return requests.count > failures ? 204 : 503
            }
        }
    }

    /// The in-memory watch store, failing its first `failures` records as a store that is
    /// briefly unreachable would.
    final class FlakyWatchStorage: WatchStorage {
        let inner = MemoryWatchStorage()
        let failures: Mutex<Int>

        init(failures: Int) { self.failures = Mutex(failures) }

        func record(_ finding: FindingRecord, alerts: [HolderAlert]) async throws {
            let fail = failures.withLock { left in
                defer { left = max(0, left - 1) }
                return left > 0
            }
            if fail { throw CancellationError() }
            try await inner.record(finding, alerts: alerts)
        }
        func findings(limit: Int) async throws -> [FindingRecord] { try await inner.findings(limit: limit) }
        func findingCount(partyID: String) async throws -> Int { try await inner.findingCount(partyID: partyID) }
        func alerts(holderID: String, limit: Int) async throws -> [HolderAlert] { try await inner.alerts(holderID: holderID, limit: limit) }
        func plantHoney(_ fingerprint: [UInt8], at date: Date) async throws { try await inner.plantHoney(fingerprint, at: date) }
        func honeyMarks(plantedSince date: Date) async throws -> [[UInt8]] { try await inner.honeyMarks(plantedSince: date) }
    }

    /// The in-memory activity store, failing the first record of a `decline`, as a store that
    /// drops a connection would.
    final class FlakyActivityStorage: HolderActivityStorage {
        let inner = MemoryHolderActivityStorage()
        let failed = Mutex(false)

        func activitySecret(holderID: String) async throws -> [UInt8] { try await inner.activitySecret(holderID: holderID) }
        func record(_ record: ActivityRecord) async throws {
            if record.kind == "decline", failed.withLock({ failed in defer { failed = true }; return !failed }) { throw CancellationError() }
            try await inner.record(record)
        }
        func activity(holderID: String, after ledgerIndex: UInt64?, limit: Int) async throws -> [ActivityRecord] {
            try await inner.activity(holderID: holderID, after: ledgerIndex, limit: limit)
        }
        func begin(_ change: PendingChange) async throws { try await inner.begin(change) }
        func finish(eventID: [UInt8]) async throws { try await inner.finish(eventID: eventID) }
        func unfinished(claimableAt now: Date, limit: Int) async throws -> [PendingChange] { try await inner.unfinished(claimableAt: now, limit: limit) }
        func claim(eventID: [UInt8], now: Date, until: Date) async throws -> Bool { try await inner.claim(eventID: eventID, now: now, until: until) }
    }

    /// The fixture on in-memory stores, with the watch or activity store replaced.
    static func fixture(watch: (any WatchStorage)? = nil, activity: (any HolderActivityStorage)? = nil) async throws -> ServiceFixture {
        try await ServiceFixture.make(stores: { stores in
            Stores(log: stores.log, identities: stores.identities, nonces: stores.nonces, activity: activity ?? stores.activity,
                   templates: stores.templates, grants: stores.grants, rateLimits: stores.rateLimits, offers: stores.offers,
                   protocols: stores.protocols, attributes: stores.attributes, watch: watch ?? stores.watch, close: { await stores.close() })
        })
    }

    /// Enough verifications without consent, a second apart, for the unconsented rule.
    static func probeWithoutConsent(_ fixture: ServiceFixture, as party: PrincipalID) async {
        for _ in 0..<WatchRules().unconsentedAttempts {
            await #expect(throws: ServiceError.self) {
                try await fixture.service.verify(.probe(token: "garbage~", probe: EmbeddingInput(ServiceFixture.face)), as: party)
            }
            fixture.clock.advance(1)
        }
    }

    /// A holder with a template who accepted `party`'s offer of `uses`; returns the grant.
    static func granted(_ fixture: ServiceFixture, holder: UInt8, party: PrincipalID, sample: [Float] = ServiceFixture.face,
                        uses: Int = 5) async throws -> (holder: PrincipalID, grant: IssuedGrant) {
        let service = fixture.service
        let principal = try await fixture.holder(holder)
        _ = try await service.enroll(samples: [EmbeddingInput(sample)], as: principal)
        let code = try await service.issueTradeCode(as: principal).code
        let offer = try await service.makeOffer(OfferWorkflowTests.terms(fixture) { $0.maxUses = uses }, tradeCode: code, as: party).offer
        return (principal, try await service.accept(offer: offer.id, as: principal))
    }

    @Test func aReplayedProbeSuspendsThePartyFreezesItsGrantsAndTellsEveryone() async throws {
        let secret = [UInt8](repeating: 0x5A, count: 32)
        let receiver = WebhookReceiver(failures: 2)
        let fixture = try await ServiceFixture.make { configuration in
            var webhook = WebhookConfiguration(url: URL(string: "https://ops.example/hooks/signet")!, secret: secret)
            webhook.firstRetry = 0.01
            webhook.transport = { receiver.receive($0) }
            configuration.webhook = webhook
        }
        let service = fixture.service
        let shop = try await fixture.party(2)
        let thief = try await fixture.party(3)
        let (alice, shopGrant) = try await Self.granted(fixture, holder: 10, party: shop)
        let (bob, thiefGrant) = try await Self.granted(fixture, holder: 11, party: thief, sample: ServiceFixture.otherFace)
        let carol = try await fixture.holder(12)
        let pending = try await service.makeOffer(OfferWorkflowTests.terms(fixture), tradeCode: try await service.issueTradeCode(as: carol).code, as: thief).offer

        // The shop verifies Alice: her probe's fingerprint is remembered, the probe is not.
        _ = try await service.verify(.probe(token: try fixture.present(shopGrant.token), probe: EmbeddingInput(ServiceFixture.sameFace)), as: shop)
        #expect(await service.respondToWatch().isEmpty)
        // The thief presents a copy of that probe under its own grant, on Bob.
        fixture.clock.advance(30)
        _ = try await service.verify(.probe(token: try fixture.present(thiefGrant.token), probe: EmbeddingInput(ServiceFixture.sameFace)), as: thief)
        let responses = await service.respondToWatch()
        let response = try #require(responses.first)
        #expect(responses.count == 1 && response.finding.rule == .replay && response.finding.parties == [thief.rawValue])
        #expect(response.actions == ["suspend_party", "freeze_grants", "withdraw_offers"] && response.grantsFrozen == 1 && response.offersWithdrawn == 1)

        // The ledger names the party and the rule, and no holder.
        let entry = try LedgerEvent(parsing: try await service.ledger.entry(at: try #require(response.ledgerIndices.first)))
        #expect(entry.kind == .finding && entry.rule == "replay" && entry.party == thief.rawValue && entry.pseudonym == nil)
        // The protocol's consequences: suspended, its grant frozen (SUSPENDED in the status list), its offer withdrawn.
        #expect(try await service.parties(status: .suspended).map(\.id.rawValue) == [thief.rawValue])
        #expect(try await service.holderGrants(as: bob).first?.state(at: fixture.clock.now()) == .suspended)
        #expect(ServiceFixture.status(at: Int(thiefGrant.ledgerIndex), in: try await fixture.statusListBytes()) == 2)
        #expect(ServiceFixture.status(at: Int(shopGrant.ledgerIndex), in: try await fixture.statusListBytes()) == 0)
        #expect(try await service.inbox(as: carol).first { $0.id == pending.id }?.status == .declined)
        await #expect(throws: ServiceError(.partyNotApproved, "")) {
            try await service.verify(.probe(token: try fixture.present(thiefGrant.token), probe: EmbeddingInput(ServiceFixture.otherFace)), as: thief)
        }
        // Both holders are told; the operator can list it.
        #expect(try await service.alerts(as: alice).map(\.rule) == ["replay"])
        #expect(try await service.alerts(as: bob).first?.message.contains("copy") == true)
        #expect(try await service.alerts(as: carol).isEmpty)
        #expect(try await service.findings().map(\.rule) == [.replay])

        // The webhook: delivered on the third attempt, signed, and naming no holder.
        for _ in 0..<200 where receiver.requests.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(10)) }
        let requests = receiver.requests.withLock { $0 }
        #expect(requests.count == 3)
        let last = try #require(requests.last)
        let body = try #require(last.httpBody)
        let id = try #require(last.value(forHTTPHeaderField: "webhook-id"))
        let timestamp = try #require(last.value(forHTTPHeaderField: "webhook-timestamp"))
        let expected = Data(HMAC<SHA256>.authenticationCode(for: Data("\(id).\(timestamp).".utf8) + body, using: SymmetricKey(data: secret))).base64EncodedString()
        #expect(last.value(forHTTPHeaderField: "webhook-signature") == "v1,\(expected)" && id == response.finding.id)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains("\"rule\":\"replay\"") && text.contains("\"holders_affected\":2"))
        #expect(!text.contains(alice.rawValue) && !text.contains(bob.rawValue))
    }

    /// A ring registers long before it is let in. When another process (`signet admin party
    /// approve`) approves it, this server never sees the `approve` event; the party record's
    /// approval time is what tells the watch the party is new.
    @Test func aPartyApprovedElsewhereIsJudgedByItsApprovalNotItsRegistration() async throws {
        let fixture = try await ServiceFixture.make { configuration in
            configuration.watchRules.auctionHolders = 3
            configuration.watchRules.ringMemberHolders = 3
        }
        let service = fixture.service
        let ring = try await fixture.party(6, approved: false)
        fixture.clock.advance(30 * 86_400)
        let ringID = try #require(PartyID(ring))
        let approved = try #require(try await service.stores.identities.setStatus(.approved, of: ringID, at: fixture.clock.now()))
        #expect(approved.approvedAt == fixture.clock.now())
        var grants: [IssuedGrant] = []
        var samples: [[Float]] = []
        for number in UInt8(20)..<23 {
            let sample: [Float] = (0..<16).map { Float(sin(Double($0) * 1.7 + 0.3 + Double(number))) }
            samples.append(sample)
            grants.append(try await Self.granted(fixture, holder: number, party: ring, sample: sample).grant)
        }
        for (grant, sample) in zip(grants, samples) {
            fixture.clock.advance(1)
            _ = try await service.verify(.probe(token: try fixture.present(grant.token), probe: EmbeddingInput(sample)), as: ring)
        }
        let response = try #require(await service.respondToWatch().first)
        #expect(response.finding.rule == .auction && response.finding.parties == [ring.rawValue])
    }

    @Test func unconsentedAttemptsAreAFindingInTheRiskReportThatSuspendsNothing() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let prober = try await fixture.party(4)
        await Self.probeWithoutConsent(fixture, as: prober)
        let response = try #require(await service.respondToWatch().first)
        #expect(response.finding.rule == .unconsented && response.actions.isEmpty)
        #expect(try await service.parties(status: .approved).contains { $0.id.rawValue == prober.rawValue })
        // The finding is in the next holder's risk report; the party may still make offers.
        let alice = try await fixture.holder(13)
        let offer = try await service.makeOffer(OfferWorkflowTests.terms(fixture), tradeCode: try await service.issueTradeCode(as: alice).code, as: prober).offer
        #expect(offer.risk.reasons.contains { $0.factor == "party-findings" })
    }

    @Test func aResponseThatFailsIsRetriedFromWhereItStopped() async throws {
        let flaky = FlakyWatchStorage(failures: 2)
        let fixture = try await Self.fixture(watch: flaky)
        let service = fixture.service
        let prober = try await fixture.party(7)
        await Self.probeWithoutConsent(fixture, as: prober)
        let findingEntries = {
            fixture.logbook.recorded.count { if case .finding = $0.event { true } else { false } }
        }
        // The store fails: nothing answered, the finding waits 1 s, then 2 s.
        #expect(await service.respondToWatch().isEmpty)
        #expect(await service.respondToWatch().isEmpty)  // not due yet
        fixture.clock.advance(1)
        #expect(await service.respondToWatch().isEmpty)
        fixture.clock.advance(1)
        #expect(await service.respondToWatch().isEmpty)  // the second wait is 2 s
        #expect(try await service.findings().isEmpty)
        fixture.clock.advance(1)
        let response = try #require(await service.respondToWatch().first)
        #expect(response.finding.rule == .unconsented)
        // Logged once, though three attempts ran; stored once.
        #expect(findingEntries() == 1 && response.ledgerIndices.count == 1)
        #expect(try await service.findings().map(\.id) == [response.finding.id])
        #expect(await service.respondToWatch().isEmpty)
    }

    /// The response stops after withdrawing an offer and before its holder's `decline` record:
    /// the retry writes it, though the offer is closed by then.
    @Test func aWithdrawalInterruptedBeforeItsEntryIsLoggedByTheRetry() async throws {
        let flaky = FlakyActivityStorage()
        let fixture = try await Self.fixture(activity: flaky)
        let service = fixture.service
        let buyer = try await fixture.party(9)
        let carol = try await fixture.holder(40)
        let offer = try await service.makeOffer(OfferWorkflowTests.terms(fixture), tradeCode: try await service.issueTradeCode(as: carol).code, as: buyer).offer
        let decoy: [Float] = (0..<16).map { Float(cos(Double($0) * 0.7 + 2.0)) }
        try await service.plantHoneyTemplate(sample: decoy)
        let (_, grant) = try await Self.granted(fixture, holder: 41, party: buyer)
        _ = try await service.verify(.probe(token: try fixture.present(grant.token), probe: EmbeddingInput(decoy)), as: buyer)
        #expect(await service.respondToWatch().isEmpty)
        #expect(try await service.inbox(as: carol).first { $0.id == offer.id }?.status == .declined)
        fixture.clock.advance(1)
        let response = try #require(await service.respondToWatch().first)
        #expect(response.finding.rule == .honey && response.offersWithdrawn == 1 && response.grantsFrozen == 1)
        let declines = try await service.activity(as: carol).entries.filter { $0.record.kind == "decline" }
        #expect(declines.count == 1)
        // One entry in the ledger too: the failed attempt had appended it, and the retry found it.
        var logged = 0
        for index in 0..<(await service.ledger.sizeLowerBound()) {
            if try LedgerEvent(parsing: try await service.ledger.entry(at: index)).kind == .decline { logged += 1 }
        }
        #expect(logged == 1)
    }

    /// What `signet serve` runs: findings answered as they come, failed ones retried on time.
    @Test func theRunningResponderRetriesOnItsOwn() async throws {
        let flaky = FlakyWatchStorage(failures: 1)
        let fixture = try await Self.fixture(watch: flaky)
        let service = fixture.service
        let responder = Task { await service.runWatch() }
        defer { responder.cancel() }
        await Self.probeWithoutConsent(fixture, as: try await fixture.party(8))
        for _ in 0..<300 where flaky.failures.withLock({ $0 }) > 0 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(flaky.failures.withLock { $0 } == 0)
        fixture.clock.advance(1)
        for _ in 0..<300 where try await service.findings().isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(try await service.findings().map(\.rule) == [.unconsented])
    }

    /// Decoys drawn by enrollments are planted later, from the background, at random moments:
    /// the enrolling request neither waits for one nor shares its time with it.
    @Test func decoysDrawnByEnrollmentsArePlantedLaterAtRandomMoments() async throws {
        let fixture = try await ServiceFixture.make { $0.honeyEvery = 1 }
        let service = fixture.service
        for number in UInt8(30)..<34 {
            _ = try await service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: try await fixture.holder(number))
        }
        let enrollEntries = { fixture.logbook.recorded.count { if case .enroll = $0.event { true } else { false } } }
        #expect(enrollEntries() == 4)
        #expect(try await service.stores.watch.honeyMarks(plantedSince: .distantPast).isEmpty)
        #expect(await service.plantDueHoney() == 0)
        fixture.clock.advance(ServiceConfiguration().honeyDelay / 2)
        let early = await service.plantDueHoney()
        fixture.clock.advance(ServiceConfiguration().honeyDelay / 2)
        let late = await service.plantDueHoney()
        #expect(early + late == 4 && early > 0 && late > 0)
        // Filed under the next hour, not the decoy's registration time.
        #expect(try await service.stores.watch.honeyMarks(plantedSince: fixture.clock.now().addingTimeInterval(1)).count == 4)
        // Four draws of one in one: four decoys in all, each an enrollment of its own.
        #expect(enrollEntries() == 8)
        #expect(try await service.stores.watch.honeyMarks(plantedSince: .distantPast).count == 4)
    }

    /// A decoy another instance planted is watched here once the marks are reloaded.
    @Test func aDecoyPlantedByAnotherInstanceIsWatchedAfterAReload() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let decoy: [Float] = (0..<16).map { Float(cos(Double($0) * 0.7 + 2.0)) }
        let buyer = try await fixture.party(10)
        let (_, grant) = try await Self.granted(fixture, holder: 42, party: buyer, uses: 10)
        try await service.loadHoneyMarks()
        // The other instance's mark, as it files it (the start of the next hour).
        let mark = service.watch.fingerprinter.fingerprint(try #require(service.vault.prepared(decoy)))
        let filed = Date(timeIntervalSince1970: ((fixture.clock.now().timeIntervalSince1970 / 3_600).rounded(.down) + 1) * 3_600)
        try await service.stores.watch.plantHoney(mark, at: filed)
        _ = try await service.verify(.probe(token: try fixture.present(grant.token), probe: EmbeddingInput(decoy)), as: buyer)
        #expect(await service.respondToWatch().isEmpty)  // not reloaded yet
        fixture.clock.advance(60)
        try await service.loadHoneyMarks()
        fixture.clock.advance(1)
        _ = try await service.verify(.probe(token: try fixture.present(grant.token), probe: EmbeddingInput(decoy)), as: buyer)
        #expect(await service.respondToWatch().first?.finding.rule == .honey)
    }

    @Test func aProbeOfAHoneyDecoyProvesTheTemplateStoreLeaked() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let decoy: [Float] = (0..<16).map { Float(cos(Double($0) * 0.7 + 2.0)) }
        let template = try await service.plantHoneyTemplate(sample: decoy)
        // Stored like any template, under a holder of its own, with an `enroll` entry.
        #expect(try await service.stores.templates.template(id: template) != nil)
        let buyer = try await fixture.party(5)
        let (_, grant) = try await Self.granted(fixture, holder: 14, party: buyer)
        _ = try await service.verify(.probe(token: try fixture.present(grant.token), probe: EmbeddingInput(decoy)), as: buyer)
        let response = try #require(await service.respondToWatch().first)
        #expect(response.finding.rule == .honey && response.finding.parties == [buyer.rawValue])
        #expect(response.actions.contains("suspend_party"))
        // Kept for other instances and restarts (``SignetService/loadHoneyMarks()``): the
        // fingerprint alone, not the sample or the template.
        let marks = try await service.stores.watch.honeyMarks(plantedSince: .distantPast)
        #expect(marks.count == 1 && marks[0].count == ProbeFingerprinter.bits / 8)
    }
}
