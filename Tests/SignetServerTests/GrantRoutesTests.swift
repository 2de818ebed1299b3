import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SignetAPI
import SignetClient
import SignetCore
import SignetService
import Testing

/// Grants over HTTP: accepting, both sides' lists, revocation, receipts, earnings, the public
/// status list, and the refusals a hostile or confused client gets.
struct GrantRoutesTests {
    /// Alice with an enrolled template, and the shop's pending offer of `uses` verifications.
    static func offered(_ client: any TestClientProtocol, _ service: SignetService, uses: Int32 = 3)
        async throws -> (alice: TestHolder, face: [Float], template: String, shop: TestParty, offer: String) {
        let (alice, face, template, shop) = try await enrolledScene(client, service)
        let code = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code
        var terms = OfferRoutesTests.terms()
        terms.maxUses = uses
        let offer = try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(tradeCode: code, terms: terms)))
            .created.body.json.id
        return (alice, face, template, shop, offer)
    }

    static func accept(_ alice: TestHolder, _ offer: String) async throws -> Components.Schemas.Grant {
        try await alice.api.acceptOffer(path: .init(offerId: offer), headers: .init(contentDigest: digest), body: .json(.init())).created.body.json
    }

    @Test func aGrantIsAcceptedListedUsedRevokedAndReceipted() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, template, shop, offer) = try await Self.offered(client, service)
            let grant = try await Self.accept(alice, offer)
            #expect(grant.templateId == template && grant.maxUses == 3 && grant.state == .active && grant.offerId == offer)
            #expect(try await refused(try await Self.accept(alice, offer)) == "409 conflict")

            // The party's list carries the token and never the template.
            let partyGrants = try await shop.api.listPartyGrants().ok.body.json.grants
            #expect(partyGrants.map(\.handle) == [grant.handle] && partyGrants.allSatisfy { $0.templateId == nil })
            let token = try #require(partyGrants.first?.token)
            _ = try await shop.verify(token: token, probe: face)
            #expect(try await alice.api.listHolderGrants().ok.body.json.grants.first?.uses == 1)

            // Another party cannot use it, even with its own valid key-binding JWT.
            let rival = try await TestParty.register(client, approveWith: service)
            let stolen = try await refusal(try await rival.verify(token: token, probe: face))
            #expect(stolen?.code == "invalid_grant" && stolen?.detail.contains("another party") == true)

            let revoked = try await alice.api.revokeGrant(path: .init(handle: grant.handle), headers: .init(contentDigest: digest), body: .json(.init()))
                .ok.body.json
            #expect(revoked.state == .revoked)
            #expect(try await refused(try await shop.verify(token: token, probe: face)) == "403 invalid_grant")
            #expect(try await refused(try await alice.api.revokeGrant(path: .init(handle: grant.handle), headers: .init(contentDigest: digest),
                                                                      body: .json(.init())).ok) == "409 conflict")

            try await Task.sleep(for: .milliseconds(1100))  // a checkpoint covers the grant
            let receipt = try await alice.api.getGrantReceipt(path: .init(handle: grant.handle)).ok.body.json
            #expect(receipt.proof.hasPrefix("c2sp.org/tlog-proof@v1\nindex \(grant.ledgerIndex)\n"))
            let earnings = try await alice.api.getEarnings().ok.body.json
            #expect(earnings.totals.map(\.minorUnits) == [200] && earnings.lines.first?.uses == 1)
            // The holder's routes are the holder's.
            #expect(try await refused(try await shop.api.listHolderGrants().ok) == "403 holder_only")
            #expect(try await refused(try await alice.api.listPartyGrants().ok) == "403 party_only")
        }
    }

    @Test func theStatusListIsPublicAndSigned() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, _, _, _, offer) = try await Self.offered(client, service)
            let grant = try await Self.accept(alice, offer)
            _ = try await alice.api.revokeGrant(path: .init(handle: grant.handle), headers: .init(contentDigest: digest), body: .json(.init())).ok
            try await client.execute(uri: "/v1/status-lists/grants", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/statuslist+jwt")
                let jwt = String(decoding: response.body.readableBytesView, as: UTF8.self)
                #expect(CompactJWS.verify(jwt, key: service.results.publicKey) != nil)
            }
        }
    }

    @Test func hostileGrantRequestsAreClearRefusals() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, _, _, shop, offer) = try await Self.offered(client, service)
            let cases: [(String, String, HTTPResponse.Status, String)] = [
                ("/v1/offers/o_AAAAAAAAAAAAAAAAAAAAAA/accept", "{}", .notFound, "not_found"),
                ("/v1/offers/\(offer)/accept", "{\"template_id\":\"t_AAAAAAAAAAAAAAAAAAAAAA\"}", .notFound, "not_found"),
                ("/v1/offers/\(offer)/accept", "{\"template_id\":12}", .badRequest, "invalid_field"),
                ("/v1/offers/\(offer)/accept", "{\"uses\":1000000}", .badRequest, "unknown_field"),
                // A malformed id names nothing, as on every other route.
                ("/v1/offers/not-an-offer/accept", "{}", .notFound, "not_found"),
                ("/v1/holders/me/grants/g_AAAAAAAAAAAAAAAAAAAAAA/revoke", "{}", .notFound, "not_found"),
                ("/v1/holders/me/grants/nonsense/revoke", "{}", .notFound, "not_found"),
            ]
            for (path, body, status, code) in cases {
                let (answer, problem) = try await sendRaw(client, key: alice.key, keyID: alice.id, .post, path, json: Array(body.utf8))
                #expect(answer == status && problem == code, "\(path) \(body): \(answer) \(problem ?? "-")")
            }
            // A party cannot accept the holder's offer; hostile tokens are 403 or 400, never 500.
            let (partyAccept, partyCode) = try await sendRaw(client, key: shop.key, keyID: shop.id, .post, "/v1/offers/\(offer)/accept", json: Array("{}".utf8))
            #expect(partyAccept == .forbidden && partyCode == "holder_only")
            for token in ["a~b~c", "~~~", String(repeating: "A", count: 20) + "~", "e30.e30.AA~~x.y.z"] {
                let body = "{\"mode\":\"probe\",\"consent_token\":\"\(token)\",\"probe\":\(String(decoding: embeddingJSON(randomEmbedding()), as: UTF8.self))}"
                let (status, problem) = try await sendRaw(client, key: shop.key, keyID: shop.id, .post, "/v1/verifications", json: Array(body.utf8))
                #expect(status == .forbidden && problem == "invalid_grant", "\(token): \(status)")
            }
            let huge = "{\"consent_token\":\"\(String(repeating: "A", count: 20_000))~\"}"
            let (hugeStatus, hugeCode) = try await sendRaw(client, key: shop.key, keyID: shop.id, .post, "/v1/challenges", json: Array(huge.utf8))
            #expect(hugeStatus == .badRequest && hugeCode == "invalid_field", "\(hugeStatus) \(hugeCode ?? "-")")
        }
    }
}

extension GrantRoutesTests {
    @Test func aCounterIsAnsweredByItsPartyOverHTTP() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, _, shop, offer) = try await Self.offered(client, service, uses: 10)
            let countered = try await alice.api.counterOffer(path: .init(offerId: offer), headers: .init(contentDigest: digest),
                                                             body: .json(.init(maxUses: 2))).ok.body.json
            #expect(countered.status == .countered)
            #expect(try await alice.api.listHolderOffers().ok.body.json.offers.first?.counter?.maxUses == 2)
            let seen = try await shop.api.listPartyOffers().ok.body.json.offers
            #expect(seen.first?.status == .countered && seen.first?.counter?.maxUses == 2 && seen.first?.terms.maxUses == 10)
            #expect(try await refused(try await alice.api.acceptCounter(path: .init(offerId: offer), headers: .init(contentDigest: digest),
                                                                        body: .json(.init())).created) == "403 party_only")
            let grant = try await shop.api.acceptCounter(path: .init(offerId: offer), headers: .init(contentDigest: digest), body: .json(.init()))
                .created.body.json
            #expect(grant.maxUses == 2 && grant.templateId == nil)
            _ = try await shop.verify(token: try #require(grant.token), probe: face)
            // Hostile counters: empty, out of range, against the protocol, on a closed offer.
            let other = try await Self.offered(client, service)
            for (body, status, code) in [("{}", HTTPResponse.Status.badRequest, "invalid_field"),
                                         ("{\"max_uses\":0}", .badRequest, "invalid_field"),
                                         ("{\"max_uses\":\"many\"}", .badRequest, "invalid_field"),
                                         ("{\"retention_days\":365}", .unprocessableContent, "protocol_refused"),
                                         ("{\"colour\":\"red\"}", .badRequest, "unknown_field")] {
                let (answer, problem) = try await sendRaw(client, key: other.alice.key, keyID: other.alice.id, .post, "/v1/offers/\(other.offer)/counter",
                                                          json: Array(body.utf8))
                #expect(answer == status && problem == code, "\(body): \(answer) \(problem ?? "-")")
            }
            let (closed, closedCode) = try await sendRaw(client, key: alice.key, keyID: alice.id, .post, "/v1/offers/\(offer)/counter",
                                                         json: Array("{\"max_uses\":1}".utf8))
            #expect(closed == .conflict && closedCode == "conflict")
        }
    }
}

extension GrantRoutesTests {
    @Test func attestationsAreForAppointedAttestersAndHostileValuesAreRefused() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, _, _, registry) = try await enrolledScene(client, service)
            let code = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code
            let body = "{\"trade_code\":\"\(code)\",\"name\":\"age_over_18\",\"value\":true}"
            let (notYet, notYetCode) = try await sendRaw(client, key: registry.key, keyID: registry.id, .post, "/v1/attestations", json: Array(body.utf8))
            #expect(notYet == .forbidden && notYetCode == "not_attester")
            _ = try await service.appointAttester(party: registry.id)
            for (hostile, code) in [("{\"trade_code\":\"\(code)\",\"name\":\"age_over_18\",\"value\":{\"nested\":1}}", "invalid_field"),
                                    ("{\"trade_code\":\"\(code)\",\"name\":\"age_over_18\",\"value\":[true]}", "invalid_field"),
                                    ("{\"trade_code\":\"\(code)\",\"name\":\"../etc\",\"value\":true}", "invalid_field"),
                                    ("{\"trade_code\":\"\(code)\",\"name\":\"age_over_18\"}", "invalid_field"),
                                    ("{\"trade_code\":\"tc_nope\",\"name\":\"age_over_18\",\"value\":true}", "not_found")] {
                let (_, problem) = try await sendRaw(client, key: registry.key, keyID: registry.id, .post, "/v1/attestations", json: Array(hostile.utf8))
                #expect(problem == code, "\(hostile): \(problem ?? "-")")
            }
            let (created, _) = try await sendRaw(client, key: registry.key, keyID: registry.id, .post, "/v1/attestations", json: Array(body.utf8))
            #expect(created == .created)
            let attributes = try await alice.api.listHolderAttributes().ok.body.json.attributes
            #expect(attributes.map(\.name) == ["age_over_18"] && attributes.first?.attesterId == registry.id)
        }
    }
}
