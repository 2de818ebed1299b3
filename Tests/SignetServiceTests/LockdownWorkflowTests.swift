import Crypto
import Foundation
import SignetCore
import SignetMarket
import SignetService
import SignetVault
import Synchronization
import Testing

/// The holder's lockdown: everything stops, the old template data becomes worthless, and a
/// renewal from a fresh sample brings the holder back.
struct LockdownWorkflowTests {
    /// Runs `action` once, the moment a `grant` event is logged: between the request's template
    /// check and the grant's insert, the worst moment for a lockdown or a renewal to run.
    final class OnGrant: EventObserver {
        let action = Mutex<(@Sendable () async -> Void)?>(nil)

        func observe(_ event: RecordedEvent) async {
            guard case .grant = event.event, let action = action.withLock({ action in defer { action = nil }; return action }) else { return }
            await action()
        }
    }

    /// How a grant is made: accepting an offer, or a holder's permission.
    enum GrantPath: CaseIterable { case accept, permit }

    @Test(arguments: GrantPath.allCases)
    func aGrantMadeWhileTheHolderLocksDownIsRevokedAndRefused(_ path: GrantPath) async throws {
        let racer = OnGrant()
        let fixture = try await ServiceFixture.make(observers: [racer])
        let service = fixture.service
        let (alice, shop, template, offer) = try await GrantWorkflowTests.offered(fixture) { $0.maxUses = 5 }
        let outcome = Mutex<LockdownOutcome?>(nil)
        racer.action.withLock { $0 = { let result = try? await service.lockdown(as: alice); outcome.withLock { $0 = result } } }
        await #expect(throws: ServiceError(.conflict, "")) {
            switch path {
            case .accept: _ = try await service.accept(offer: offer.id, as: alice)
            case .permit: _ = try await service.permit(PermissionRequest(templateID: template, partyID: shop.rawValue), as: alice)
            }
        }
        // The lockdown ran in between and missed the grant; the request caught it.
        #expect(outcome.withLock { $0 }?.grantsRevoked == 0)
        let grants = try await service.holderGrants(as: alice)
        #expect(grants.count == 1 && grants.allSatisfy { $0.state(at: fixture.clock.now()) == .revoked && $0.revokedBy == .lockdown })
        let index = try #require(grants.first?.statusIndex)
        #expect(ServiceFixture.status(at: index, in: try await fixture.statusListBytes()) == 1)
        // The party is told, as for every grant a lockdown revokes.
        // (With a permission, the offer still waiting is refused by the lockdown too.)
        let kinds = try await service.activity(as: alice).entries.map(\.record.kind)
        #expect(kinds.suffix(path == .accept ? 3 : 4) == (path == .accept ? ["grant", "lockdown", "revoke"] : ["grant", "lockdown", "decline", "revoke"]))
        #expect(try await service.partyGrants(as: shop).allSatisfy { $0.state(at: fixture.clock.now()) == .revoked })
    }

    /// A lockdown, then a renewal that lifts the lock, both between a slow request's check and
    /// its insert: the grant was consent given before the lockdown, and does not survive.
    @Test func aGrantMadeAcrossALockdownAndARenewalIsRevoked() async throws {
        let racer = OnGrant()
        let fixture = try await ServiceFixture.make(observers: [racer])
        let service = fixture.service
        let (alice, _, template, offer) = try await GrantWorkflowTests.offered(fixture)
        let clock = fixture.clock
        racer.action.withLock {
            $0 = {
                _ = try? await service.lockdown(as: alice)
                clock.advance(1)
                _ = try? await service.renew(template, samples: [EmbeddingInput(ServiceFixture.sameFace)], as: alice)
            }
        }
        await #expect(throws: ServiceError(.conflict, "")) { try await service.accept(offer: offer.id, as: alice) }
        let grants = try await service.holderGrants(as: alice)
        // Revoked for the renewal: not the holder's doing, and not counted against the party.
        #expect(grants.count == 1 && grants.allSatisfy { $0.state(at: fixture.clock.now()) == .revoked && $0.revokedBy == .renewal })
    }

    @Test func afterALockdownNothingVerifiesAndTheOldTemplateDataIsWorthless() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, shop, template, offer) = try await GrantWorkflowTests.offered(fixture) { $0.maxUses = 5 }
        let accepted = try await service.accept(offer: offer.id, as: alice)
        let door = try await fixture.party(3)
        let permitted = try await service.permit(PermissionRequest(templateID: template, partyID: door.rawValue), as: alice)
        let latecomer = try await fixture.party(4)
        let pending = try await service.makeOffer(OfferWorkflowTests.terms(fixture), tradeCode: try await service.issueTradeCode(as: alice).code,
                                                  as: latecomer).offer
        // What a thief copies out of the template store before the lockdown.
        let templateID = try #require(TemplateID(template))
        let stolen = try ProtectedTemplate(serializedBytes: try #require(try await service.stores.templates.template(id: templateID)).bytes)

        let outcome = try await service.lockdown(as: alice)
        #expect(outcome.grantsRevoked == 2 && outcome.offersRefused == 1 && outcome.templatesLocked == 1)
        #expect(outcome.partiesNotified == [shop.rawValue, door.rawValue, latecomer.rawValue].sorted())
        #expect(try await service.inbox(as: alice).first { $0.id == pending.id }?.status == .declined)
        #expect(try await service.holderGrants(as: alice).allSatisfy { $0.state(at: fixture.clock.now()) == .revoked })
        // Logged: the lockdown, and each party told by an entry naming it.
        let kinds = try await service.activity(as: alice).entries.suffix(4).map(\.record.kind)
        #expect(kinds == ["lockdown", "revoke", "revoke", "decline"])

        // No token verifies anything, in either mode; both are INVALID in the status list.
        for (token, party) in [(accepted.token, shop), (permitted.token, door)] {
            await #expect(throws: ServiceError(.invalidGrant, "")) {
                try await service.verify(.probe(token: try fixture.present(token), probe: EmbeddingInput(ServiceFixture.sameFace)), as: party)
            }
            await #expect(throws: ServiceError(.invalidGrant, "")) { try await service.challenge(token: try fixture.present(token), as: party) }
        }
        let bits = try await fixture.statusListBytes()
        #expect(ServiceFixture.status(at: Int(accepted.ledgerIndex), in: bits) == 1 && ServiceFixture.status(at: Int(permitted.ledgerIndex), in: bits) == 1)

        // No grant can be given on the old template: not by an offer, a counter or a permit.
        let again = try await service.makeOffer(OfferWorkflowTests.terms(fixture), tradeCode: try await service.issueTradeCode(as: alice).code, as: shop).offer
        await #expect(throws: ServiceError(.conflict, "")) { try await service.accept(offer: again.id, as: alice) }
        await #expect(throws: ServiceError(.conflict, "")) {
            try await service.permit(PermissionRequest(templateID: template, partyID: door.rawValue), as: alice)
        }

        // A renewal from a fresh sample brings Alice back, with new helper data and a new key.
        let renewed = try await service.renew(template, samples: [EmbeddingInput(ServiceFixture.sameFace)], as: alice)
        let fresh = try ProtectedTemplate(serializedBytes: try #require(try await service.stores.templates.template(id: templateID)).bytes)
        #expect(renewed.id == templateID && fresh.publicKey != stolen.publicKey)
        let grant = try await service.permit(PermissionRequest(templateID: template, partyID: door.rawValue), as: alice)

        // The thief, holding the stolen helper data and a genuine photo of Alice, unlocks the old
        // key and answers a challenge on the renewed template with it: no match.
        let oldKey = try IronMask.device(for: stolen).unlockSigningKey(probe: ServiceFixture.sameFace, template: stolen)
        let challenge = try await service.challenge(token: try fixture.present(grant.token), as: door)
        let message = Challenge.message(id: challenge.challenge.id, nonce: Base64.encodeURL(challenge.challenge.nonce), partyID: door.rawValue,
                                        partyName: "Party 3", handle: challenge.handle)
        let answer = try await service.verify(
            .device(token: try fixture.present(grant.token), challengeID: challenge.challenge.id, signature: Base64.encodeURL(try oldKey.sign(challenge: message))),
            as: door)
        #expect(!answer.claims.match)
    }

    @Test func aSecondLockdownStopsWhatIsLeftAndOnlyAHolderMayLockDown() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, shop, _, offer) = try await GrantWorkflowTests.offered(fixture)
        _ = try await service.accept(offer: offer.id, as: alice)
        #expect(try await service.lockdown(as: alice).grantsRevoked == 1)
        let again = try await service.lockdown(as: alice)
        #expect(again.grantsRevoked == 0 && again.offersRefused == 0 && again.templatesLocked == 1 && again.partiesNotified.isEmpty)
        await #expect(throws: ServiceError(.holderOnly, "")) { try await service.lockdown(as: shop) }
    }

    /// A lockdown that stopped after revoking and before logging: running it again tells the
    /// parties it had not told yet, and only those.
    @Test func aLockdownRunAgainTellsThePartiesAnInterruptedOneDidNot() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, shop, template, offer) = try await GrantWorkflowTests.offered(fixture)
        let grant = try await service.accept(offer: offer.id, as: alice)
        let door = try await fixture.party(5)
        _ = try await service.permit(PermissionRequest(templateID: template, partyID: door.rawValue), as: alice)
        // The interrupted run's writes: templates locked, grants revoked, nothing logged.
        let holder = try #require(HolderID(alice))
        _ = try await service.stores.templates.lockAll(holderID: holder.rawValue, at: fixture.clock.now())
        #expect(try await service.stores.grants.revokeAll(.holder(holder.rawValue), cause: .lockdown, now: fixture.clock.now()).count == 2)
        // Within a minute, the first run may still be writing its entries: nothing is written twice.
        fixture.clock.advance(5)
        #expect(try await service.lockdown(as: alice).partiesNotified.isEmpty)
        fixture.clock.advance(60)
        let again = try await service.lockdown(as: alice)
        #expect(again.grantsRevoked == 0 && again.partiesNotified == [shop.rawValue, door.rawValue].sorted())
        let revokes = fixture.logbook.recorded.compactMap { if case .revoke(_, let party, let handle) = $0.event { (party.rawValue, handle) } else { nil } }
        #expect(revokes.count == 2 && revokes.contains { $0 == (shop.rawValue, grant.handle) })
        // Told once: a third run writes nothing more.
        #expect(try await service.lockdown(as: alice).partiesNotified.isEmpty)
        #expect(fixture.logbook.recorded.count { if case .revoke = $0.event { true } else { false } } == 2)
    }
}
