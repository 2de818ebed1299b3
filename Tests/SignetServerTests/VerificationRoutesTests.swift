import SignetService
import SignetAuth
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import SignetCore
import SignetMarket
import SignetServer
import SignetStore
import Testing

/// A registered party in a test.
struct TestParty {
    let key = Curve25519.Signing.PrivateKey()
    var id = ""

    static func register(_ client: any TestClientProtocol, approveWith service: SignetService? = nil) async throws -> TestParty {
        var party = TestParty()
        let body = RegistrationRoutesTests.registration(party.key, extra: ["name": "Corner Shop", "contact": "ops@shop.example"])
        let headers = try TestClientSigner(key: party.key, keyID: Base64.encodeURL(party.key.publicKey.rawRepresentation)).headers(method: .post, path: "/v1/parties", body: body)
        party.id = try await client.execute(uri: "/v1/parties", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            try #require((try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: String])?["id"])
        }
        if let service, let id = PrincipalID(party.id) { _ = try await service.approve(party: id.rawValue) }
        return party
    }

    func verify(_ client: any TestClientProtocol, template: String, token: String, probe: [Float]) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        let body = Array("{\"mode\":\"probe\",\"template_id\":\"\(template)\",\"permission_token\":\"\(token)\",\"probe\":\(String(decoding: embeddingJSON(probe), as: UTF8.self))}".utf8)
        let headers = try TestClientSigner(key: key, keyID: id).headers(method: .post, path: "/v1/verifications", body: body)
        return try await client.execute(uri: "/v1/verifications", method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:], response.headers)
        }
    }
}

extension TestHolder {
    func enroll(_ client: any TestClientProtocol, _ embedding: [Float]) async throws -> String {
        let response = try await send(client, .post, "/v1/templates", json: embeddingJSON(embedding)).1
        return try #require(response["id"] as? String)
    }

    func permit(_ client: any TestClientProtocol, party: String, template: String) async throws -> (HTTPResponse.Status, String?) {
        let json = Array("{\"template_id\":\"\(template)\",\"party_id\":\"\(party)\"}".utf8)
        let (status, body) = try await send(client, .post, "/v1/permissions", json: json)
        return (status, body["token"] as? String)
    }
}

/// A holder who enrolled a random face and gave an approved party one permission: where most
/// verification tests start.
func permittedScene(_ client: any TestClientProtocol, _ service: SignetService) async throws
    -> (alice: TestHolder, face: [Float], template: String, shop: TestParty, token: String) {
    let alice = try await TestHolder.register(client)
    let face = randomEmbedding()
    let template = try await alice.enroll(client, face)
    let shop = try await TestParty.register(client, approveWith: service)
    let token = try #require(try await alice.permit(client, party: shop.id, template: template).1)
    return (alice, face, template, shop, token)
}

/// The claims of a verification answer, checked with the server's published key set as a party would.
func resultClaims(_ client: any TestClientProtocol, _ answer: [String: Any]) async throws -> VerificationClaims {
    let jwks = try await client.execute(uri: "/.well-known/jwks.json", method: .get) { String(buffer: $0.body) }
    return try await JWTKeyCollection().add(jwksJSON: jwks).verify(try #require(answer["result"] as? String), as: VerificationClaims.self)
}

struct VerificationRoutesTests {
    @Test func permittedVerificationIsLoggedBeforeItsSignedAnswer() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let face = randomEmbedding()
            let template = try await alice.enroll(client, face)
            let shop = try await TestParty.register(client, approveWith: service)

            let (permitStatus, token) = try await alice.permit(client, party: shop.id, template: template)
            #expect(permitStatus == .created)
            let (status, answer, _) = try await shop.verify(client, template: template, token: try #require(token), probe: face)
            #expect(status == .ok)
            let jws = try #require(answer["result"] as? String)

            // The party checks the answer with the published key set.
            let jwks = try await client.execute(uri: "/.well-known/jwks.json", method: .get) { String(buffer: $0.body) }
            let keys = try await JWTKeyCollection().add(jwksJSON: jwks)
            let claims = try await keys.verify(jws, as: VerificationClaims.self)
            #expect(claims.match)
            #expect(claims.template_id == template)
            #expect(claims.party_id == shop.id)

            // The logged use event is in the holder's activity at the index the answer names.
            let events = try #require(try await alice.send(client, .get, "/v1/holders/me/activity").1["events"] as? [[String: Any]])
            let use = try #require(events.first { $0["type"] as? String == "use" })
            #expect(use["ledger_index"] as? Int == claims.ledger_index)
            #expect((use["details"] as? String)?.contains("\"match\":true") == true)

            // One-time: the same permission cannot be used again.
            let (again, problem, _) = try await shop.verify(client, template: template, token: try #require(token), probe: face)
            #expect(again == .forbidden)
            #expect(problem["code"] as? String == "invalid_permission")
        }
    }

    @Test func impostorProbeIsANoMatchAndStillLogged() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (_, _, template, shop, token) = try await permittedScene(client, service)
            let (status, answer, _) = try await shop.verify(client, template: template, token: token, probe: randomEmbedding())
            #expect(status == .ok)
            let claims = try await resultClaims(client, answer)
            #expect(!claims.match)
        }
    }

    /// The server caches parsed templates: a renewed template must be verified as renewed.
    @Test func verificationAfterRenewalUsesTheRenewedTemplate() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let (oldFace, newFace) = (randomEmbedding(), randomEmbedding())
            let template = try await alice.enroll(client, oldFace)
            let shop = try await TestParty.register(client, approveWith: service)
            func matches(_ probe: [Float]) async throws -> Bool {
                let token = try #require(try await alice.permit(client, party: shop.id, template: template).1)
                let (status, answer, _) = try await shop.verify(client, template: template, token: token, probe: probe)
                #expect(status == .ok)
                return try await resultClaims(client, answer).match
            }
            #expect(try await matches(oldFace))
            #expect(try await alice.send(client, .put, "/v1/templates/\(template)", json: embeddingJSON(newFace)).0 == .ok)
            #expect(try await matches(oldFace) == false)
            #expect(try await matches(newFace))
        }
    }

    @Test func unapprovedPartyAndForeignTemplatesAreRefused() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let alice = try await TestHolder.register(client)
            let mallory = try await TestHolder.register(client)
            let template = try await alice.enroll(client, randomEmbedding())
            let pending = try await TestParty.register(client)
            // Mallory cannot hand out permissions for Alice's template: it does not exist for her.
            #expect(try await mallory.permit(client, party: pending.id, template: template).0 == .notFound)
            let token = try #require(try await alice.permit(client, party: pending.id, template: template).1)
            let (status, problem, _) = try await pending.verify(client, template: template, token: token, probe: randomEmbedding())
            #expect(status == .forbidden)
            #expect(problem["code"] as? String == "party_not_approved")
            // A holder cannot call the party endpoint.
            let json = Array("{\"mode\":\"probe\",\"template_id\":\"\(template)\",\"permission_token\":\"\(token)\",\"probe\":\(String(decoding: embeddingJSON(randomEmbedding()), as: UTF8.self))}".utf8)
            #expect(try await alice.send(client, .post, "/v1/verifications", json: json).0 == .forbidden)
        }
    }

    @Test func attemptsPerTemplateAreRateLimited() async throws {
        var configuration = ServiceConfiguration()
        configuration.templateRate = RateLimit(burst: 2, perSecond: 0.01)
        try await RegistrationRoutesTests.withAPI(configuration: configuration) { client, service in
            let alice = try await TestHolder.register(client)
            let template = try await alice.enroll(client, randomEmbedding())
            let shop = try await TestParty.register(client, approveWith: service)
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for _ in 0..<3 {
                let token = try #require(try await alice.permit(client, party: shop.id, template: template).1)
                let (status, _, headers) = try await shop.verify(client, template: template, token: token, probe: randomEmbedding())
                statuses.append(status)
                if status == .tooManyRequests { retryAfter = headers[.retryAfter] }
            }
            #expect(statuses == [.ok, .ok, .tooManyRequests])
            #expect(Int(try #require(retryAfter)) ?? 0 >= 1)
        }
    }

    @Test func aTemplateLimitedAttemptKeepsItsPermissionForTheRetry() async throws {
        // Frozen: Retry-After must not depend on how long the test takes.
        let clock = TestClock(frozen: true)
        var configuration = ServiceConfiguration()
        configuration.now = { clock.now() }
        configuration.templateRate = RateLimit(burst: 1, perSecond: 0.1)
        try await RegistrationRoutesTests.withAPI(configuration: configuration) { client, service in
            let (alice, face, template, shop, first) = try await permittedScene(client, service)
            #expect(try await shop.verify(client, template: template, token: first, probe: face).0 == .ok)
            let second = try #require(try await alice.permit(client, party: shop.id, template: template).1)
            let (status, problem, headers) = try await shop.verify(client, template: template, token: second, probe: face)
            #expect(status == .tooManyRequests)
            #expect(problem["code"] as? String == "rate_limited")
            #expect(headers[.retryAfter] == "10")
            // After Retry-After the same permission works, once.
            clock.advance(10)
            #expect(try await shop.verify(client, template: template, token: second, probe: face).0 == .ok)
            let (again, spent, _) = try await shop.verify(client, template: template, token: second, probe: face)
            #expect(again == .forbidden)
            #expect(spent["code"] as? String == "invalid_permission")
        }
    }

    @Test func attemptsWithoutPermissionDoNotSpendTheTemplatesBudget() async throws {
        var configuration = ServiceConfiguration()
        configuration.templateRate = RateLimit(burst: 1, perSecond: 0.001)
        try await RegistrationRoutesTests.withAPI(configuration: configuration) { client, service in
            let alice = try await TestHolder.register(client)
            let face = randomEmbedding()
            let template = try await alice.enroll(client, face)
            let intruder = try await TestParty.register(client, approveWith: service)
            let shop = try await TestParty.register(client, approveWith: service)
            for _ in 0..<5 {
                let forged = Base64.encodeURL([UInt8](repeating: 7, count: 32))
                #expect(try await intruder.verify(client, template: template, token: forged, probe: face).0 == .forbidden)
            }
            let token = try #require(try await alice.permit(client, party: shop.id, template: template).1)
            #expect(try await shop.verify(client, template: template, token: token, probe: face).0 == .ok)
        }
    }

    @Test func renewingATemplateRevokesItsOutstandingPermissions() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let face = randomEmbedding()
            let template = try await alice.enroll(client, face)
            let shop = try await TestParty.register(client, approveWith: service)
            let before = try #require(try await alice.permit(client, party: shop.id, template: template).1)
            #expect(try await alice.send(client, .put, "/v1/templates/\(template)", json: embeddingJSON(face)).0 == .ok)
            let (status, problem, _) = try await shop.verify(client, template: template, token: before, probe: face)
            #expect(status == .forbidden)
            #expect(problem["code"] as? String == "invalid_permission")
            // A permission given after the renewal works.
            let after = try #require(try await alice.permit(client, party: shop.id, template: template).1)
            #expect(try await shop.verify(client, template: template, token: after, probe: face).0 == .ok)
        }
    }
}
