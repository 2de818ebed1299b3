import Foundation
import SignetCore
import SignetMarket
import SignetService
import Testing

/// Attesters vouch for attributes; an attribute offer's grant discloses the named ones only.
struct AttributeWorkflowTests {
    @Test func anAttributeOfferDisclosesTheNamedAttributesAndNothingElse() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let alice = try await fixture.holder(1)
        _ = try await service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice)
        let registry = try await fixture.party(3)
        let bar = try await fixture.party(2)

        // Not yet an attester: refused, the code unspent.
        let code = try await service.issueTradeCode(as: alice).code
        await #expect(throws: ServiceError(.notAttester, "")) { try await service.attest(tradeCode: code, name: "age_over_18", value: .bool(true), as: registry) }
        let appointed = try await service.appointAttester(party: registry.rawValue)
        #expect(try LedgerEvent(parsing: try await service.ledger.entry(at: appointed.ledgerIndex)).kind == .appoint)
        await #expect(throws: ServiceError(.conflict, "")) { try await service.appointAttester(party: registry.rawValue) }
        for (name, value) in [("Age", JSONValue.bool(true)), ("price", .bool(true)), ("age_over_18", .number(18)), ("age_over_18", .string(""))] {
            await #expect(throws: ServiceError(.invalidField, "")) { try await service.attest(tradeCode: code, name: name, value: value, as: registry) }
        }
        _ = try await service.attest(tradeCode: code, name: "age_over_18", value: .bool(true), as: registry)
        await #expect(throws: ServiceError(.notFound, "")) { try await service.attest(tradeCode: code, name: "member_of", value: .string("x"), as: registry) }
        _ = try await service.attest(tradeCode: try await service.issueTradeCode(as: alice).code, name: "member_of", value: .string("t_choir"), as: registry)
        #expect(try await service.holderAttributes(as: alice).map(\.name) == ["age_over_18", "member_of"])

        // The bar asks for age_over_18 only.
        let offer = try await service.makeOffer(OfferWorkflowTests.terms(fixture) {
            $0.scope = .attributes(["age_over_18"])
            $0.purpose = "dpv:AgeVerification"
        }, tradeCode: try await service.issueTradeCode(as: alice).code, as: bar).offer
        let issued = try await service.accept(offer: offer.id, as: alice)
        let token = try #require(ConsentPresentation(try fixture.present(issued.token))).verifiedToken(issuerKey: service.results.publicKey)
        #expect(token.claims.scope == "attributes")
        #expect(token.disclosed["age_over_18"] == .object(["value": .bool(true), "attester": .string(registry.rawValue)]))
        #expect(token.disclosed["member_of"] == nil && !issued.token.contains("t_choir"))
        let activity = try await service.activity(as: alice).entries
        #expect(activity.map(\.record.kind).contains("attest"))
        #expect(activity.last.map { String(decoding: $0.record.details, as: UTF8.self).contains("\"scope\":\"attributes\"") } == true)

        // An offer for an attribute nobody vouched for cannot be accepted.
        let unknown = try await service.makeOffer(OfferWorkflowTests.terms(fixture) {
            $0.scope = .attributes(["age_over_21"])
            $0.purpose = "dpv:AgeVerification"
        }, tradeCode: try await service.issueTradeCode(as: alice).code, as: bar).offer
        await #expect(throws: ServiceError(.conflict, "")) { try await service.accept(offer: unknown.id, as: alice) }
        #expect(try await service.inbox(as: alice).first { $0.id == unknown.id }?.status == .pending)
    }
}
