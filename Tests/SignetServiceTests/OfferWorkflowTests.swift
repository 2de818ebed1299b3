import Foundation
import SignetCore
import SignetMarket
import SignetService
import Testing

/// Trade codes, offers judged by the trust protocol, the inbox with risk reports, declining.
struct OfferWorkflowTests {
    static func terms(_ fixture: ServiceFixture, change: (inout OfferTerms) -> Void = { _ in }) -> OfferTerms {
        var terms = OfferTerms(scope: .verify, purpose: "dpv:IdentityVerification", purposeText: "Check-in at the front desk",
                               retentionDays: 30, maxUses: 1, validityDays: 30, expiresAt: fixture.clock.now().addingTimeInterval(86_400),
                               price: .init(minorUnits: 200, currency: "EUR"))
        change(&terms)
        return terms
    }

    @Test func anAllowedOfferReachesTheInboxWithItsRiskReportAndIsLogged() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let code = try await service.issueTradeCode(as: alice)
        #expect(code.code.hasPrefix("tc_"))

        let outcome = try await service.makeOffer(Self.terms(fixture), tradeCode: code.code, as: shop)
        #expect(outcome.decision.allowed && outcome.decision.outcomes.count == TrustProtocol.standard.rules.count)
        let inbox = try await service.inbox(as: alice)
        #expect(inbox.map(\.id) == [outcome.offer.id])
        #expect(inbox.first?.status == .pending && inbox.first?.partyID == shop.rawValue)
        // A party registered moments ago: its record is short, and the report says so.
        #expect(inbox.first?.risk.reasons.map(\.factor) == ["sensitivity", "retention", "party-age"])
        #expect(try await service.activity(as: alice).entries.last?.record.kind == "offer")

        // The code is spent.
        await #expect(throws: ServiceError(.notFound, "")) {
            try await service.makeOffer(Self.terms(fixture), tradeCode: code.code, as: shop)
        }
    }

    @Test func aRefusedOfferNamesItsRulesNeverReachesTheHolderAndLeavesTheCode() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let code = try await service.issueTradeCode(as: alice).code
        let error = await #expect(throws: ServiceError.self) {
            try await service.makeOffer(Self.terms(fixture) { $0.scope = .templateTransfer; $0.onwardTransfer = true }, tradeCode: code, as: shop)
        }
        #expect(error?.code == .protocolRefused)
        #expect(error?.reason.contains("uses-not-templates") == true && error?.reason.contains("no-onward-transfer") == true)
        #expect(try await service.inbox(as: alice).isEmpty)
        // The code still works for a fair offer.
        _ = try await service.makeOffer(Self.terms(fixture), tradeCode: code, as: shop)

        // A party the operator has not approved is refused by the protocol too.
        let pending = try await fixture.party(3, approved: false)
        let another = try await service.issueTradeCode(as: alice).code
        let refusal = await #expect(throws: ServiceError.self) { try await service.makeOffer(Self.terms(fixture), tradeCode: another, as: pending) }
        #expect(refusal?.reason.contains("party-in-good-standing") == true)
    }

    @Test func tradeCodesAreUnknownExpiredOrForHoldersOnly() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        for code in ["tc_AAAAAAAAAAAAAAAAAAAAAA", "nonsense", "tc_", ""] {
            await #expect(throws: ServiceError(.notFound, "")) { try await service.makeOffer(Self.terms(fixture), tradeCode: code, as: shop) }
        }
        for days in [0, 31, -1, Int.max] {
            await #expect(throws: ServiceError(.invalidField, "")) { try await service.issueTradeCode(days: days, as: alice) }
        }
        let code = try await service.issueTradeCode(as: alice).code
        fixture.clock.advance(8 * 86_400)
        await #expect(throws: ServiceError(.notFound, "")) { try await service.makeOffer(Self.terms(fixture), tradeCode: code, as: shop) }
        await #expect(throws: ServiceError(.holderOnly, "")) { try await service.issueTradeCode(as: shop) }
        await #expect(throws: ServiceError(.partyOnly, "")) { try await service.makeOffer(Self.terms(fixture), tradeCode: code, as: alice) }
    }

    @Test func aHolderDeclinesOnceAndOnlyTheirOwn() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let alice = try await fixture.holder(1)
        let bob = try await fixture.holder(4)
        let shop = try await fixture.party(2)
        let offer = try await service.makeOffer(Self.terms(fixture), tradeCode: try await service.issueTradeCode(as: alice).code, as: shop).offer
        await #expect(throws: ServiceError(.notFound, "")) { try await service.decline(offer: offer.id, as: bob) }
        let declined = try await service.decline(offer: offer.id, as: alice)
        #expect(declined.offer.status == .declined)
        await #expect(throws: ServiceError(.conflict, "")) { try await service.decline(offer: offer.id, as: alice) }
        await #expect(throws: ServiceError(.notFound, "")) { try await service.decline(offer: "o_nope", as: alice) }
        #expect(try await service.activity(as: alice).entries.map(\.record.kind).suffix(2) == ["offer", "decline"])
        #expect(try await service.inbox(as: alice).first?.status == .declined)
    }
}

extension OfferWorkflowTests {
    /// The risk report reads the party's record (revocations, refused offers) and what similar
    /// offers were accepted at.
    @Test func theRiskReportReadsThePartysRecordAndThePriceBenchmark() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let shop = try await fixture.party(2)
        fixture.clock.advance(40 * 86_400)  // an established party
        // Three holders accept the shop's offers at 200; two revoke.
        var handles: [(PrincipalID, String)] = []
        for number: UInt8 in 10...12 {
            let holder = try await fixture.holder(number)
            _ = try await service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: holder)
            let offer = try await service.makeOffer(Self.terms(fixture), tradeCode: try await service.issueTradeCode(as: holder).code, as: shop).offer
            handles.append((holder, try await service.accept(offer: offer.id, as: holder).handle))
        }
        for (holder, handle) in handles.prefix(2) { _ = try await service.revoke(grant: handle, as: holder) }
        let alice = try await fixture.holder(1)
        for _ in 0..<3 {
            _ = try? await service.makeOffer(Self.terms(fixture) { $0.onwardTransfer = true }, tradeCode: try await service.issueTradeCode(as: alice).code, as: shop)
        }
        let cheap = try await service.makeOffer(Self.terms(fixture) { $0.price.minorUnits = 50 }, tradeCode: try await service.issueTradeCode(as: alice).code,
                                                as: shop).offer
        let factors = cheap.risk.reasons.map(\.factor)
        #expect(factors.contains("price") && factors.contains("party-revocations") && factors.contains("party-violations"), "\(factors)")
        #expect(!factors.contains("party-age"))
        #expect(cheap.risk.reasons.first { $0.factor == "party-revocations" }?.sentence == "Holders revoked 2 of the 3 grants they made to this party.")
    }
}
