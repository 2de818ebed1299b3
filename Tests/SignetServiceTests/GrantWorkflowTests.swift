import CompressNIO
import Crypto
import Foundation
import NIOCore
import SignetCore
import SignetLog
import SignetMarket
import SignetService
import Testing

/// Accepting offers into grants, consent tokens as parties present them, counted uses,
/// revocation with its status list, receipts and earnings.
struct GrantWorkflowTests {
    /// Alice, an enrolled template, a shop, and the shop's offer in Alice's inbox.
    static func offered(_ fixture: ServiceFixture, change: (inout OfferTerms) -> Void = { _ in })
        async throws -> (alice: PrincipalID, shop: PrincipalID, template: String, offer: Offer) {
        let service = fixture.service
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let template = try await service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice).id.rawValue
        let code = try await service.issueTradeCode(as: alice).code
        let offer = try await service.makeOffer(OfferWorkflowTests.terms(fixture, change: change), tradeCode: code, as: shop).offer
        return (alice, shop, template, offer)
    }

    @Test func anAcceptedOfferGivesTheItsUsesAndNoMore() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, shop, template, offer) = try await Self.offered(fixture) { $0.maxUses = 3 }
        let issued = try await service.accept(offer: offer.id, as: alice)
        #expect(issued.grant.maxUses == 3 && issued.grant.offerID == offer.id && issued.grant.templateID.rawValue == template)
        #expect(try await service.inbox(as: alice).first?.status == .accepted)

        // The token's claims: the terms in the clear, the party's key, the ledger index; price and
        // purpose text as disclosures; no template or holder id anywhere.
        let presentation = try #require(ConsentPresentation(try fixture.present(issued.token)))
        let token = try presentation.verifiedToken(issuerKey: service.results.publicKey)
        let claims = token.claims
        #expect(claims.max_uses == 3 && claims.purpose == "dpv:IdentityVerification" && claims.party_id == shop.rawValue)
        #expect(claims.ledger_index == Int(issued.ledgerIndex) && claims.status.status_list.idx == Int(issued.ledgerIndex))
        #expect(claims.cnf.jwk.x == Base64.encodeURL(ServiceFixture.publicKey(2)) && claims.sub == issued.handle)
        try presentation.verifyKeyBinding(of: token, audience: service.consentAudience, now: fixture.clock.now(), freshness: 300)
        let disclosed = token.disclosed
        #expect(disclosed["price"] == .object(["amount_minor": .number(200), "currency": .string("EUR")]))
        #expect(!issued.token.contains(template) && !issued.token.contains(alice.rawValue))

        for probe in [ServiceFixture.sameFace, ServiceFixture.otherFace, ServiceFixture.sameFace] {
            _ = try await service.verify(.probe(token: try fixture.present(issued.token), probe: EmbeddingInput(probe)), as: shop)
            fixture.clock.advance(6)  // the template's bucket refills
        }
        await #expect(throws: ServiceError(.invalidGrant, "")) {
            try await service.verify(.probe(token: try fixture.present(issued.token), probe: EmbeddingInput(ServiceFixture.face)), as: shop)
        }
        #expect(try await service.holderGrants(as: alice).first?.state(at: fixture.clock.now()) == .usedUp)
        let earnings = try await service.earnings(as: alice)
        #expect(earnings.map(\.uses) == [3] && earnings.first?.price == .init(minorUnits: 200, currency: "EUR"))
        #expect(try await service.activity(as: alice).entries.map(\.record.kind) == ["enroll", "offer", "grant", "use", "use", "use"])
    }

    @Test func acceptingTwiceAfterExpiryOrADeclineIsAConflict() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, _, _, offer) = try await Self.offered(fixture)
        _ = try await service.accept(offer: offer.id, as: alice)
        await #expect(throws: ServiceError(.conflict, "")) { try await service.accept(offer: offer.id, as: alice) }
        await #expect(throws: ServiceError(.conflict, "")) { try await service.decline(offer: offer.id, as: alice) }

        let shop = try await fixture.party(3)
        let lapsing = try await service.makeOffer(OfferWorkflowTests.terms(fixture), tradeCode: try await service.issueTradeCode(as: alice).code, as: shop).offer
        fixture.clock.advance(86_401)
        await #expect(throws: ServiceError(.conflict, "")) { try await service.accept(offer: lapsing.id, as: alice) }
        // Another holder's offer, or no offer at all, is not found.
        let bob = try await fixture.holder(4)
        await #expect(throws: ServiceError(.notFound, "")) { try await service.accept(offer: offer.id, as: bob) }
        await #expect(throws: ServiceError(.notFound, "")) { try await service.accept(offer: "o_nonsense", as: alice) }
    }

    @Test func aRevokedGrantIsRefusedAtOnceAndListedInvalidInTheStatusList() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, shop, _, offer) = try await Self.offered(fixture) { $0.maxUses = 5 }
        let issued = try await service.accept(offer: offer.id, as: alice)
        let (revoked, index) = try await service.revoke(grant: issued.handle, as: alice)
        #expect(revoked.revokedAt != nil && index > issued.ledgerIndex)
        await #expect(throws: ServiceError(.invalidGrant, "")) {
            try await service.verify(.probe(token: try fixture.present(issued.token), probe: EmbeddingInput(ServiceFixture.face)), as: shop)
        }
        await #expect(throws: ServiceError(.conflict, "")) { try await service.revoke(grant: issued.handle, as: alice) }
        await #expect(throws: ServiceError(.notFound, "")) { try await service.revoke(grant: issued.handle, as: try await fixture.holder(5)) }

        // The status list: the two bits at the grant's index, and nothing else set.
        let bytes = try await fixture.statusListBytes()
        let at = Int(issued.ledgerIndex)
        #expect(ServiceFixture.status(at: at, in: bytes) == 1)
        #expect(bytes.enumerated().allSatisfy { $0.offset == at / 4 || $0.element == 0 })
    }

    /// Each way a presentation can be wrong, refused with its own sentence.
    @Test func badPresentationsAreRefusedEachWithItsReason() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, shop, _, offer) = try await Self.offered(fixture) { $0.maxUses = 10 }
        let token = try await service.accept(offer: offer.id, as: alice).token
        let other = try await fixture.party(3)
        let otherKey = ServiceFixture.privateKey(3)
        let now = fixture.clock.now()
        let parts = token.split(separator: "~", omittingEmptySubsequences: false).map(String.init)
        let foreignDisclosure = Base64.encodeURL(try CanonicalJSON.encode(.array([.string("c2FsdA"), .string("price"), .number(0)])))
        let cases: [(String, PrincipalID, String)] = [
            (token, shop, "no key-binding JWT"),
            (try #require(try ConsentPresentation.present(token, at: now, with: otherKey)), shop, "not signed by the key"),
            (try #require(try ConsentPresentation.present(token, at: now, with: otherKey)), other, "issued to another party"),
            (try #require(try ConsentPresentation.present(token, at: now.addingTimeInterval(-301), with: ServiceFixture.privateKey(2))), shop, "stale"),
            (try ConsentPresentation.present(token, audience: "elsewhere", nonce: "n", at: now, with: ServiceFixture.privateKey(2)), shop, "aud"),
            (try #require(try ConsentPresentation.present(parts[0] + "~" + foreignDisclosure + "~", at: now, with: ServiceFixture.privateKey(2))), shop,
             "not referenced"),
            (try #require(try ConsentPresentation.present(parts[0] + "~" + parts[1] + "~" + parts[1] + "~", at: now, with: ServiceFixture.privateKey(2))),
             shop, "presented twice"),
            ("x" + (try fixture.present(token)), shop, "signature does not check out"),
            ("not a token", shop, "consent token presentation"),
        ]
        for (presentation, party, reason) in cases {
            let error = await #expect(throws: ServiceError.self) {
                try await service.verify(.probe(token: presentation, probe: EmbeddingInput(ServiceFixture.face)), as: party)
            }
            #expect(error?.code == .invalidGrant && error?.reason.contains(reason) == true, "\(reason): \(error?.reason ?? "accepted")")
        }
        // A key-binding JWT over a different presentation (disclosure dropped after signing).
        let full = try fixture.present(token)
        let kb = try #require(full.split(separator: "~").last)
        let error = await #expect(throws: ServiceError.self) {
            try await service.verify(.probe(token: parts[0] + "~" + parts[1] + "~" + kb, probe: EmbeddingInput(ServiceFixture.face)), as: shop)
        }
        #expect(error?.reason.contains("sd_hash") == true)
        // Past the grant's validity, the token itself says it expired.
        fixture.clock.advance(31 * 86_400)
        let expired = await #expect(throws: ServiceError.self) {
            try await service.verify(.probe(token: try fixture.present(token), probe: EmbeddingInput(ServiceFixture.face)), as: shop)
        }
        #expect(expired?.reason.contains("expired") == true)
    }

    @Test func theReceiptIsA27560RecordWithTheGrantsLedgerProof() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, shop, template, offer) = try await Self.offered(fixture)
        let issued = try await service.accept(offer: offer.id, as: alice)
        _ = try await service.ledger.checkpointNote()
        try await Task.sleep(for: .milliseconds(50))
        let bundle = try await service.receipt(grant: issued.handle, as: alice)
        #expect(bundle.receipt.pii_principal_id == issued.handle && bundle.receipt.parties.first?.party_id == shop.rawValue)
        #expect(bundle.receipt.purposes.first?.price?.amount_minor == 200 && bundle.receipt.purposes.first?.price?.currency == "EUR")
        #expect(bundle.receipt.events.map(\.event_state) == ["dpv:ConsentGiven"])
        let json = String(decoding: try JSONEncoder().encode(bundle.receipt), as: UTF8.self)
        #expect(!json.contains(template) && !json.contains(alice.rawValue))
        let proof = try TlogProof(parsing: bundle.proof)
        #expect(proof.index == issued.ledgerIndex)
        _ = try proof.verify(entry: bundle.entry, verifier: service.ledger.verifier)
        #expect(try LedgerEvent(parsing: bundle.entry).kind == .grant)

        _ = try await service.revoke(grant: issued.handle, as: alice)
        #expect(try await service.receipt(grant: issued.handle, as: alice).receipt.events.map(\.event_state) == ["dpv:ConsentGiven", "dpv:ConsentWithdrawn"])
    }

    /// A request that failed after marking the offer accepted and before making the grant
    /// leaves an offer the holder can accept again, once a minute has passed.
    @Test func anAcceptanceThatFailedHalfwayCanBeRetried() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, _, _, offer) = try await Self.offered(fixture)
        // The failed request's compare-and-set, and nothing after it.
        _ = try await service.stores.offers.decide(offer.id, holderID: alice.rawValue, status: .accepted, at: fixture.clock.now())
        await #expect(throws: ServiceError(.conflict, "")) { try await service.accept(offer: offer.id, as: alice) }
        fixture.clock.advance(61)
        let issued = try await service.accept(offer: offer.id, as: alice)
        #expect(issued.grant.offerID == offer.id)
        await #expect(throws: ServiceError(.conflict, "")) { try await service.accept(offer: offer.id, as: alice) }
    }
}
