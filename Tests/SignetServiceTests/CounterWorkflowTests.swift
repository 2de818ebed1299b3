import Foundation
import SignetCore
import SignetMarket
import SignetService
import Testing

/// The holder counters; the party accepts (the grant has the counter's terms) or declines.
struct CounterWorkflowTests {
    @Test func anAcceptedCounterGrantsTheHoldersTerms() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, shop, template, offer) = try await GrantWorkflowTests.offered(fixture) { $0.maxUses = 10 }
        let countered = try await service.counter(offer: offer.id, changes: CounterChanges(maxUses: 4, priceMinorUnits: 350), as: alice)
        #expect(countered.offer.status == .countered && countered.offer.counter?.terms.maxUses == 4)
        #expect(countered.offer.counter?.templateID.rawValue == template)
        // The party sees the counter, and answers it; the holder can no longer accept the original.
        #expect(try await service.partyOffers(as: shop).first?.counter?.terms.price.minorUnits == 350)
        await #expect(throws: ServiceError(.conflict, "")) { try await service.accept(offer: offer.id, as: alice) }
        let issued = try await service.acceptCounter(offer: offer.id, as: shop)
        #expect(issued.grant.maxUses == 4 && issued.grant.templateID.rawValue == template)
        let claims = try #require(ConsentPresentation(try fixture.present(issued.token))).verifiedToken(issuerKey: service.results.publicKey).claims
        #expect(claims.max_uses == 4)
        #expect(try await service.earnings(as: alice).first?.price.minorUnits == 350)
        await #expect(throws: ServiceError(.conflict, "")) { try await service.acceptCounter(offer: offer.id, as: shop) }
        #expect(try await service.activity(as: alice).entries.map(\.record.kind) == ["enroll", "offer", "counter", "grant"])
    }

    @Test func countersAreRefusedWhenClosedEmptyOrAgainstTheProtocol() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, shop, _, offer) = try await GrantWorkflowTests.offered(fixture)
        await #expect(throws: ServiceError(.invalidField, "")) { try await service.counter(offer: offer.id, changes: CounterChanges(), as: alice) }
        await #expect(throws: ServiceError(.invalidField, "")) {
            try await service.counter(offer: offer.id, changes: CounterChanges(maxUses: 0), as: alice)
        }
        let refusal = await #expect(throws: ServiceError.self) {
            try await service.counter(offer: offer.id, changes: CounterChanges(retentionDays: 4000), as: alice)
        }
        #expect(refusal?.code == .protocolRefused && refusal?.reason.contains("retention-cap") == true)
        // Only the party may answer, only once the holder countered.
        await #expect(throws: ServiceError(.conflict, "")) { try await service.acceptCounter(offer: offer.id, as: shop) }
        await #expect(throws: ServiceError(.notFound, "")) { try await service.acceptCounter(offer: offer.id, as: try await fixture.party(7)) }
        _ = try await service.counter(offer: offer.id, changes: CounterChanges(priceMinorUnits: 900), as: alice)
        await #expect(throws: ServiceError(.conflict, "")) {
            try await service.counter(offer: offer.id, changes: CounterChanges(priceMinorUnits: 800), as: alice)
        }
        // A counter names a template; renewed since, it no longer carries the holder's consent.
        fixture.clock.advance(1)
        _ = try await service.renew(countered(offer.id, service, alice), samples: [EmbeddingInput(ServiceFixture.face)], as: alice)
        await #expect(throws: ServiceError(.conflict, "")) { try await service.acceptCounter(offer: offer.id, as: shop) }
        let declined = try await service.declineCounter(offer: offer.id, as: shop)
        #expect(declined.offer.status == .declined)
        await #expect(throws: ServiceError(.conflict, "")) { try await service.acceptCounter(offer: offer.id, as: shop) }
        #expect(try await service.holderGrants(as: alice).isEmpty)
    }

    /// The template id a countered offer names.
    private func countered(_ id: String, _ service: SignetService, _ holder: PrincipalID) async throws -> String {
        try #require(try await service.inbox(as: holder).first { $0.id == id }?.counter?.templateID.rawValue)
    }
}
