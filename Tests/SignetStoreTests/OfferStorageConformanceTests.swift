import Foundation
import SignetCore
import SignetMarket
import SignetService
import SignetTesting
import Testing

/// Trade codes and offers behave alike in memory, SQLite and PostgreSQL.
struct OfferStorageConformanceTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func offer(_ id: String, holder: String = "h_alice", at offset: TimeInterval = 0, scope: OfferTerms.Scope = .verify) -> Offer {
        var terms = OfferTerms(scope: scope, purpose: "dpv:IdentityVerification", purposeText: "Front desk check-in ✓",
                               retentionDays: 30, maxUses: 3, validityDays: 60, expiresAt: now.addingTimeInterval(86_400),
                               price: .init(minorUnits: 250, currency: "EUR"))
        if case .attributes = scope { terms.purpose = "dpv:AgeVerification" }
        let risk = RiskReport.assess(terms, party: PartyRecord(registeredAt: now), prices: nil, rules: .standard, now: now)
        return Offer(id: id, partyID: "p_shop", holderID: holder, terms: terms, protocolID: "sha256:00", risk: risk,
                     createdAt: now.addingTimeInterval(offset))
    }

    @Test(arguments: Backend.available)
    func aTradeCodeIsSpentOnceEvenUnderConcurrentOffers(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let hash = Grant.hash(token: [7, 7])
            try await stores.offers.insert(TradeCode(codeHash: hash, holderID: "h_alice", expiresAt: Self.now.addingTimeInterval(600)))
            let holders = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<6 { group.addTask { try await stores.offers.redeem(codeHash: hash, now: Self.now) } }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(holders.compactMap { $0 } == ["h_alice"])
            // Expired or unknown codes name nobody.
            let late = Grant.hash(token: [8])
            try await stores.offers.insert(TradeCode(codeHash: late, holderID: "h_bob", expiresAt: Self.now))
            #expect(try await stores.offers.redeem(codeHash: late, now: Self.now) == nil)
            #expect(try await stores.offers.redeem(codeHash: Grant.hash(token: [9]), now: Self.now) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func offersRoundTripListNewestFirstAndAreDecidedOnce(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            let first = Self.offer("o_AAAAAAAAAAAAAAAAAAAAAA")
            let second = Self.offer("o_BBBBBBBBBBBBBBBBBBBBBA", at: 10, scope: .attributes(["age_over_18"]))
            let elsewhere = Self.offer("o_CCCCCCCCCCCCCCCCCCCCCA", holder: "h_bob")
            for offer in [first, second, elsewhere] { try await stores.offers.insert(offer) }
            #expect(try await stores.offers.offer(first.id) == first)
            #expect(try await stores.offers.offer(second.id) == second)
            #expect(try await stores.offers.offer("o_nope") == nil)
            #expect(try await stores.offers.offers(holderID: "h_alice").map(\.id) == [second.id, first.id])

            // Decided once, only by its holder.
            #expect(try await stores.offers.decide(first.id, holderID: "h_bob", status: .accepted, at: Self.now) == nil)
            let declined = try #require(try await stores.offers.decide(first.id, holderID: "h_alice", status: .declined, at: Self.now))
            #expect(declined.status == .declined && declined.decidedAt == Self.now)
            #expect(try await stores.offers.decide(first.id, holderID: "h_alice", status: .accepted, at: Self.now) == nil)
            #expect(try await stores.offers.offer(first.id)?.status == .declined)
        }
    }
}

extension OfferStorageConformanceTests {
    @Test(arguments: Backend.available)
    func aCounterIsRecordedOnceAndSettledOnceByItsParty(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, reopen in
            let offer = Self.offer("o_counterAAAAAAAAAAAAAA")
            try await stores.offers.insert(offer)
            var terms = offer.terms
            terms.maxUses = 1
            let counter = Counter(terms: terms, templateID: TemplateID("t_AAAAAAAAAAAAAAAAAAAAAA")!)
            #expect(try await stores.offers.counter(offer.id, holderID: "h_mallory", counter: counter, at: Self.now) == nil)
            let countered = try #require(try await stores.offers.counter(offer.id, holderID: "h_alice", counter: counter, at: Self.now))
            #expect(countered.status == .countered && countered.counter == counter)
            #expect(try await stores.offers.counter(offer.id, holderID: "h_alice", counter: counter, at: Self.now) == nil)
            // Read back on another instance; listed for its party.
            #expect(try await reopen().offers.offer(offer.id)?.counter == counter)
            #expect(try await stores.offers.offers(partyID: "p_shop").map(\.id) == [offer.id])
            #expect(try await stores.offers.settle(offer.id, partyID: "p_other", status: .accepted, at: Self.now) == nil)
            let settled = try await withThrowingTaskGroup(of: Offer?.self) { group in
                for _ in 0..<4 { group.addTask { try await stores.offers.settle(offer.id, partyID: "p_shop", status: .accepted, at: Self.now) } }
                return try await group.reduce(into: [Offer?]()) { $0.append($1) }
            }
            #expect(settled.compactMap { $0 }.map(\.status) == [.accepted])
        }
    }
}

extension OfferStorageConformanceTests {
    @Test(arguments: Backend.available)
    func refusalsAreCountedAndAcceptedPricesReadBackByPurposeScopeAndCurrency(_ backend: Backend) async throws {
        try await withFreshStores(backend) { stores, _ in
            for _ in 0..<3 { try await stores.offers.recordRefusal(partyID: "p_shop", at: Self.now) }
            #expect(try await stores.offers.refusals(partyID: "p_shop") == 3)
            #expect(try await stores.offers.refusals(partyID: "p_other") == 0)
            let ids = ["o_priceAAAAAAAAAAAAAAAAA", "o_priceBAAAAAAAAAAAAAAAA", "o_priceCAAAAAAAAAAAAAAAA", "o_priceDAAAAAAAAAAAAAAAA"]
            for (i, id) in ids.enumerated() { try await stores.offers.insert(Self.offer(id, at: Double(i))) }
            _ = try await stores.offers.decide(ids[0], holderID: "h_alice", status: .accepted, at: Self.now)
            _ = try await stores.offers.decide(ids[1], holderID: "h_alice", status: .accepted, at: Self.now.addingTimeInterval(1))
            _ = try await stores.offers.decide(ids[2], holderID: "h_alice", status: .declined, at: Self.now)
            // Accepted through a counter: the counter's price counts.
            var terms = Self.offer(ids[3]).terms
            terms.price.minorUnits = 900
            _ = try await stores.offers.counter(ids[3], holderID: "h_alice", counter: Counter(terms: terms, templateID: TemplateID("t_AAAAAAAAAAAAAAAAAAAAAA")!), at: Self.now)
            _ = try await stores.offers.settle(ids[3], partyID: "p_shop", status: .accepted, at: Self.now.addingTimeInterval(2))
            let prices = try await stores.offers.acceptedPrices(purpose: "dpv:IdentityVerification", scope: "verify", currency: "EUR", limit: 10)
            #expect(prices == [900, 250, 250])
            #expect(try await stores.offers.acceptedPrices(purpose: "dpv:IdentityVerification", scope: "verify", currency: "USD", limit: 10).isEmpty)
            #expect(try await stores.offers.acceptedPrices(purpose: "dpv:IdentityVerification", scope: "verify", currency: "EUR", limit: 2).count == 2)
        }
    }
}
