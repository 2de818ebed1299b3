import Foundation
import SignetCore
import SignetMarket
import SignetService
import Testing

/// Protocol governance: propose with notice, holders see the diff, activate after the notice,
/// offers judged by the new rules, grants made before keep theirs.
struct GovernanceWorkflowTests {
    /// The standard protocol as version 3, with a retention cap of 14 days.
    static func stricter() throws -> TrustProtocol {
        var rules = TrustProtocol.standard
        rules.version = 3
        let index = try #require(rules.rules.firstIndex { $0.id == "retention-cap" })
        rules.rules[index].check = .retentionCap(maxDays: 14)
        return rules
    }

    /// A version 2 proposed under an older build, whose built-in protocol was version 1, stays
    /// pending (and can be activated) after an upgrade whose built-in protocol is version 2.
    @Test func aProposalMadeUnderAnOlderBuiltInVersionStaysPending() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        var theirs = try Self.stricter()
        theirs.version = 2
        let now = fixture.clock.now()
        #expect(try await service.stores.protocols.propose(ProtocolVersion(rules: theirs, contentID: try theirs.contentID(), proposedAt: now,
                                                                           effectiveAt: now.addingTimeInterval(7 * 86_400))))
        #expect(TrustProtocol.standard.version == 2)
        #expect(try await service.pendingProtocols().map(\.version.version) == [2])
        fixture.clock.advance(7 * 86_400 + 1)
        _ = try await service.activateProtocol(version: 2)
        #expect(try await service.activeProtocol().contentID == (try theirs.contentID()))
    }

    @Test func aChangeIsLoggedShownDuringItsNoticeAndInForceOnlyAfter() async throws {
        let fixture = try await ServiceFixture.make()
        let service = fixture.service
        let (alice, shop, _, offer) = try await GrantWorkflowTests.offered(fixture) { $0.validityDays = 60 }  // 30 days' retention
        let before = try await service.accept(offer: offer.id, as: alice)
        let original = try await service.activeProtocol()

        await #expect(throws: ServiceError(.invalidField, "")) { try await service.proposeProtocol(try Self.stricter(), noticeDays: 1) }
        await #expect(throws: ServiceError(.invalidField, "")) { try await service.proposeProtocol(TrustProtocol.standard, noticeDays: 30) }
        let (pending, index) = try await service.proposeProtocol(try Self.stricter(), noticeDays: 30)
        #expect(pending.diff == ProtocolDiff(from: .standard, to: try Self.stricter()) && pending.diff.changed == ["retention-cap"])
        let entry = try LedgerEvent(parsing: try await service.ledger.entry(at: index))
        #expect(entry.kind == .protocolChange && entry.party == nil && entry.pseudonym == nil)
        #expect(entry.protocolChange?.stage == "proposed" && entry.protocolChange?.content_id == pending.version.contentID)
        #expect(entry.protocolChange?.diff_sha256 == (try pending.diff.sha256()))
        #expect(try await service.pendingProtocols().map(\.version.version) == [3])

        // In notice: not in force, and it cannot be activated.
        await #expect(throws: ServiceError(.conflict, "")) { try await service.activateProtocol(version: 3) }
        #expect(try await service.activeProtocol() == original)
        fixture.clock.advance(30 * 86_400 + 1)
        let (activated, _) = try await service.activateProtocol(version: 3)
        #expect(activated.activatedAt != nil)
        #expect(try await service.activeProtocol().contentID == pending.version.contentID)
        #expect(try await service.pendingProtocols().isEmpty)
        await #expect(throws: ServiceError(.notFound, "")) { try await service.activateProtocol(version: 3) }

        // New offers are judged by it; the grant made before keeps its terms and protocol id.
        let code = try await service.issueTradeCode(as: alice).code
        let refusal = await #expect(throws: ServiceError.self) {
            try await service.makeOffer(OfferWorkflowTests.terms(fixture), tradeCode: code, as: shop)
        }
        #expect(refusal?.code == .protocolRefused && refusal?.reason.contains("retention-cap") == true)
        let claims = try #require(ConsentPresentation(try fixture.present(before.token))).verifiedToken(issuerKey: service.results.publicKey).claims
        #expect(claims.protocol_id == original.contentID)
        _ = try await service.verify(.probe(token: try fixture.present(before.token), probe: EmbeddingInput(ServiceFixture.sameFace)), as: shop)
    }
}
