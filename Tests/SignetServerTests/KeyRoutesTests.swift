import Crypto
import Foundation
import OpenAPIRuntime
import SignetAPI
import SignetClient
import SignetCore
import SignetMarket
import SignetService
import Testing

/// `POST /v1/holders/me/key`, and the operator's revocation as the API sees it.
struct KeyRoutesTests {
    @Test func aRotatedKeyIsRefusedAtOnceAndTheNewOneSigns() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let alice = try await TestHolder.register(client)
            let template = try await alice.enroll(randomEmbedding())
            let new = Curve25519.Signing.PrivateKey()
            let newKey = Array(new.publicKey.rawRepresentation)
            let principal = try #require(PrincipalID(alice.id))
            let message = KeyRotation.message(principal: principal, oldKey: Array(alice.key.publicKey.rawRepresentation), newKey: newKey)

            // The new key's consent is required.
            let forged = try await refused(try await alice.api.rotateHolderKey(headers: .init(contentDigest: digest), body: .json(.init(
                publicKey: Base64.encodeURL(newKey), proof: Base64.encodeURL(try Curve25519.Signing.PrivateKey().signature(for: message))))).ok)
            #expect(forged == "400 invalid_field")

            let rotated = try await alice.api.rotateHolderKey(headers: .init(contentDigest: digest), body: .json(.init(
                publicKey: Base64.encodeURL(newKey), proof: Base64.encodeURL(try new.signature(for: message))))).ok.body.json
            #expect(rotated.ledgerIndex > 0)
            // The holder id now names the new key: a signature by the old one does not verify.
            #expect(try await refused(try await alice.api.getHolderProfile().ok) == "401 bad_signature")

            let renewed = Client.signed(server: testServer, key: new, keyID: alice.id, transport: RouterTransport(client: client))
            let profile = try await renewed.getHolderProfile().ok.body.json
            #expect(profile.publicKey == Base64.encodeURL(newKey) && profile.templates == [template])
            let events = try await renewed.listHolderActivity().ok.body.json.events
            #expect(events.last?._type == .rotateKey)
        }
    }

    @Test func aRevokedKeyIsRefusedWithinTheCacheLifetime() async throws {
        let clock = TestClock()
        var configuration = ServiceConfiguration()
        configuration.now = { clock.now() }
        try await RegistrationRoutesTests.withAPI(configuration: configuration) { client, service in
            let alice = try await TestHolder.register(client)
            _ = try await alice.api.getHolderProfile().ok
            _ = try await service.revokeKey(of: alice.id)
            clock.advance(6)
            #expect(try await refused(try await alice.api.getHolderProfile().ok) == "401 unknown_key")
            // A party cannot use the holder's rotation route.
            let shop = try await TestParty.register(client, approveWith: service)
            #expect(try await refused(try await shop.api.rotateHolderKey(headers: .init(contentDigest: digest), body: .json(.init(
                publicKey: Base64.encodeURL(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation),
                proof: Base64.encodeURL([UInt8](repeating: 0, count: 64))))).ok) == "403 holder_only")
        }
    }
}
