import Foundation
import SignetCore
import SignetLog
import SignetMarket
import SignetService
import Testing

/// The workflows end to end on in-memory stores, without HTTP.
struct WorkflowTests {
    @Test func enrollPermitVerifyAndReadTheActivity() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let enrolled = try await service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice).id.rawValue
        let permission = try await service.permit(PermissionRequest(templateID: enrolled, partyID: shop.rawValue), as: alice)
        #expect(permission.grant.expiresAt == fixture.clock.now().addingTimeInterval(600))
        let genuine = try await service.verify(
            .probe(token: try fixture.present(permission.token), probe: EmbeddingInput(ServiceFixture.sameFace)), as: shop)
        #expect(genuine.claims.match)
        // The result names the permission's handle (what the party knows it by), not the template.
        #expect(genuine.claims.sub == permission.handle && genuine.claims.sub != enrolled)
        #expect(try await service.results.verify(genuine.result, now: service.configuration.now()) == genuine.claims)
        // A spent permission is spent.
        await #expect(throws: ServiceError(.invalidGrant, "")) {
            try await service.verify(.probe(token: try fixture.present(permission.token), probe: EmbeddingInput(ServiceFixture.face)), as: shop)
        }
        let another = try await service.permit(PermissionRequest(templateID: enrolled, partyID: shop.rawValue), as: alice)
        let impostor = try await service.verify(
            .probe(token: try fixture.present(another.token), probe: EmbeddingInput(ServiceFixture.otherFace)), as: shop)
        #expect(!impostor.claims.match)

        // Alice's activity: enroll, two grants, two uses, each provable against the log's key.
        let activity = try await service.activity(as: alice)
        #expect(activity.entries.map(\.record.kind) == ["enroll", "grant", "use", "grant", "use"])
        for entry in activity.entries {
            let checkpoint = try entry.proof.verify(entry: entry.entry, verifier: service.ledger.verifier)
            #expect(entry.proof.index == entry.record.ledgerIndex)
            #expect(checkpoint.checkpoint.size > entry.record.ledgerIndex)
        }
        #expect(UInt64(genuine.claims.ledger_index) == activity.entries[2].record.ledgerIndex)
    }

    @Test func sameSeedSameLedger() async throws {
        func story(seed: UInt8) async throws -> [[UInt8]] {
            let fixture = try await ServiceFixture.make(seed: seed)
            let alice = try await fixture.holder(1)
            let shop = try await fixture.party(2)
            let template = try await fixture.service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice).id.rawValue
            _ = try await fixture.service.permit(PermissionRequest(templateID: template, partyID: shop.rawValue), as: alice)
            var entries: [[UInt8]] = []
            for index in 0..<3 { entries.append(try await fixture.service.ledger.entry(at: UInt64(index))) }
            return entries
        }
        let first = try await story(seed: 7)
        #expect(try await story(seed: 7) == first)
        #expect(try await story(seed: 8) != first)
    }

    @Test func observersSeeEveryEventOnceDurable() async throws {
        let fixture = try await ServiceFixture.make()
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let template = try await fixture.service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice).id.rawValue
        _ = try await fixture.service.renew(template, samples: [EmbeddingInput(ServiceFixture.face)], as: alice)
        _ = try await fixture.service.suspend(party: shop.rawValue)
        _ = try await fixture.service.delete(template, as: alice)
        let events = fixture.logbook.recorded
        let (holder, party, id) = (try #require(HolderID(alice)), try #require(PartyID(shop)), try #require(TemplateID(template)))
        #expect(events.map(\.event) == [
            .approveParty(party),
            .enroll(holder: holder, template: id),
            .renew(holder: holder, template: id),
            .suspendParty(party),
            .delete(holder: holder, template: id),
        ])
        #expect(events.map(\.ledgerIndex) == [0, 1, 2, 3, 4])
        // An operator's event names the party and no holder.
        let suspension = try JSONSerialization.jsonObject(with: Data(try await fixture.service.ledger.entry(at: 3))) as? [String: Any]
        #expect(suspension?["type"] as? String == "suspend")
        #expect(suspension?["party"] as? String == shop.rawValue)
        #expect(suspension?["holder"] == nil)
    }

    @Test func aSuspendedPartyCannotVerifyOrChallenge() async throws {
        let fixture = try await ServiceFixture.make()
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let template = try await fixture.service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice).id.rawValue
        let token = try await fixture.service.permit(PermissionRequest(templateID: template, partyID: shop.rawValue), as: alice).token
        _ = try await fixture.service.suspend(party: shop.rawValue)
        await #expect(throws: ServiceError(.partyNotApproved, "")) {
            try await fixture.service.verify(.probe(token: token, probe: EmbeddingInput(ServiceFixture.face)), as: shop)
        }
        await #expect(throws: ServiceError(.partyNotApproved, "")) {
            try await fixture.service.challenge(token: token, as: shop)
        }
    }
}

extension WorkflowTests {
    @Test func aHolderReadsTheirOwnRecordOnly() async throws {
        let fixture = try await ServiceFixture.make()
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        #expect(try await fixture.service.profile(as: alice).templateIDs.isEmpty)
        let first = try await fixture.service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice).id.rawValue
        fixture.clock.advance(1)
        let second = try await fixture.service.enroll(samples: [EmbeddingInput(ServiceFixture.otherFace)], as: alice).id.rawValue
        let profile = try await fixture.service.profile(as: alice)
        #expect(profile.holder.id.principal == alice)
        #expect(profile.holder.registeredAt == Date(timeIntervalSince1970: 1_790_000_000))
        #expect(profile.templateIDs.map(\.rawValue) == [first, second])
        await #expect(throws: ServiceError(.holderOnly, "")) { try await fixture.service.profile(as: shop) }
    }
}

extension WorkflowTests {
    /// The details each event commits to are a wire format (holders recompute commitments from
    /// them): pinned byte for byte, as earlier releases wrote them.
    @Test func eventDetailsKeepTheirBytes() async throws {
        let fixture = try await ServiceFixture.make()
        let alice = try await fixture.holder(1)
        let shop = try await fixture.party(2)
        let t = try await fixture.service.enroll(samples: [EmbeddingInput(ServiceFixture.face)], as: alice).id.rawValue
        let token = try await fixture.service.permit(PermissionRequest(templateID: t, partyID: shop.rawValue, lifetimeSeconds: 60), as: alice).token
        _ = try await fixture.service.verify(.probe(token: try fixture.present(token), probe: EmbeddingInput(ServiceFixture.sameFace)), as: shop)
        _ = try await fixture.service.renew(t, samples: [EmbeddingInput(ServiceFixture.face)], as: alice)
        _ = try await fixture.service.delete(t, as: alice)
        let details = try await fixture.service.activity(as: alice).entries.map { String(decoding: $0.record.details, as: UTF8.self) }
        #expect(details == [
            "{\"template\":\"\(t)\"}",
            "{\"scope\":\"verify\",\"template\":\"\(t)\",\"ttl\":60,\"uses\":1}",
            "{\"match\":true,\"mode\":\"probe\",\"template\":\"\(t)\"}",
            "{\"template\":\"\(t)\"}",
            "{\"template\":\"\(t)\"}",
        ])
        let approval = String(decoding: try await fixture.service.ledger.entry(at: 0), as: UTF8.self)
        #expect(approval == "{\"party\":\"\(shop.rawValue)\",\"time\":1790000000,\"type\":\"approve\",\"v\":1}")
    }
}
