import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import SignetAPI
import SignetClient
import SignetCore
import SignetService
import SignetWatch
import Testing

/// The lockdown over HTTP: one signed request stops everything; a request that does not
/// confirm, or is not signed by a holder, changes nothing.
struct LockdownRoutesTests {
    @Test func aConfirmedLockdownStopsTheGrantAndTheParty() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, _, shop, offer) = try await GrantRoutesTests.offered(client, service)
            let grant = try await GrantRoutesTests.accept(alice, offer)
            let token = try #require(try await shop.api.listPartyGrants().ok.body.json.grants.first?.token)

            // Unconfirmed, unsigned or by a party: refused, and the grant still works.
            #expect(try await refused(try await alice.api.lockdown(headers: .init(contentDigest: digest), body: .json(.init(confirm: false))).ok)
                    == "400 invalid_field")
            #expect(try await refused(try await shop.api.lockdown(headers: .init(contentDigest: digest), body: .json(.init(confirm: true))).ok)
                    == "403 holder_only")
            try await client.execute(uri: "/v1/holders/me/lockdown", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"confirm":true}"#)) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/v1/holders/me/lockdown", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"confirm":"yes"}"#)) { response in
                #expect(response.status.code / 100 == 4)
            }
            _ = try await shop.verify(token: token, probe: face)

            let outcome = try await alice.api.lockdown(headers: .init(contentDigest: digest), body: .json(.init(confirm: true))).ok.body.json
            #expect(outcome.grantsRevoked == 1 && outcome.templatesLocked == 1 && outcome.partiesNotified == [shop.id])
            #expect(try await refused(try await shop.verify(token: token, probe: face)) == "403 invalid_grant")
            #expect(try await alice.api.listHolderGrants().ok.body.json.grants.first { $0.handle == grant.handle }?.state == .revoked)
        }
    }
}

/// The watch's alerts over HTTP: a replayed probe reaches the holder whose sample was copied.
struct AlertRoutesTests {
    @Test func aReplayedProbeIsAnAlertForTheHolderAndOnlyForHolders() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, template, shop, token) = try await permittedScene(client, service)
            #expect(try await alice.api.listHolderAlerts().ok.body.json.alerts.isEmpty)
            #expect(try await refused(try await shop.api.listHolderAlerts().ok) == "403 holder_only")
            _ = try await shop.verify(token: token, probe: face)

            // Another party, under a permission from Bob, sends a copy of Alice's probe.
            let bob = try await TestHolder.register(client)
            let bobTemplate = try await bob.enroll(randomEmbedding())
            let thief = try await TestParty.register(client, approveWith: service)
            _ = try await thief.verify(token: try await bob.permit(party: thief.id, template: bobTemplate), probe: face)
            let responses = await service.respondToWatch()
            #expect(responses.map(\.finding.rule) == [.replay])

            let alerts = try await alice.api.listHolderAlerts().ok.body.json.alerts
            #expect(alerts.map(\.rule) == [.replay] && alerts.first?.partyId == thief.id)
            #expect(try await bob.api.listHolderAlerts().ok.body.json.alerts.count == 1)
            // The thief is suspended; the shop goes on.
            #expect(try await refused(try await thief.verify(token: try await bob.permit(party: thief.id, template: bobTemplate), probe: face))
                    == "403 party_not_approved")
            _ = try await shop.verify(token: try await alice.permit(party: shop.id, template: template), probe: face)
        }
    }
}
