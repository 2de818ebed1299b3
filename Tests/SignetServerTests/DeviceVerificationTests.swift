import SignetService
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import SignetCore
import SignetMarket
import SignetServer
import SignetVault
import Testing

extension TestParty {
    func challenge(_ client: any TestClientProtocol, template: String, token: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let body = Array("{\"template_id\":\"\(template)\",\"permission_token\":\"\(token)\"}".utf8)
        return try await post(client, "/v1/challenges", body)
    }

    func answer(_ client: any TestClientProtocol, template: String, token: String, challenge: String, signature: [UInt8]) async throws -> (HTTPResponse.Status, [String: Any]) {
        let body = Array("{\"mode\":\"device\",\"template_id\":\"\(template)\",\"permission_token\":\"\(token)\",\"challenge_id\":\"\(challenge)\",\"signature\":\"\(Base64.encodeURL(signature))\"}".utf8)
        return try await post(client, "/v1/verifications", body)
    }

    func post(_ client: any TestClientProtocol, _ path: String, _ body: [UInt8]) async throws -> (HTTPResponse.Status, [String: Any]) {
        let headers = try TestClientSigner(key: key, keyID: id).headers(method: .post, path: path, body: body)
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(bytes: body)) { response in
            (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:])
        }
    }
}

extension TestHolder {
    /// What the holder's device does: download the template, unlock its key with a fresh sample, sign.
    func sign(_ client: any TestClientProtocol, template: String, sample: [Float], challengeID: String, nonce: String) async throws -> [UInt8] {
        let (status, document) = try await send(client, .get, "/v1/templates/\(template)")
        #expect(status == .ok)
        let encoded = try #require(document["template"] as? String)
        let bytes = try #require(Base64.decodeURL(encoded))
        let protected = try ProtectedTemplate(serializedBytes: bytes)
        let key = try IronMask.device(for: protected).unlockSigningKey(probe: sample, template: protected)
        return try key.sign(challenge: Challenge.message(id: challengeID, nonce: nonce))
    }
}

/// A mutable clock for tests that move time forward; frozen, it moves only when advanced.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: TimeInterval = 0
    private let frozenAt: Date?
    init(frozen: Bool = false) { frozenAt = frozen ? Date() : nil }
    func advance(_ seconds: TimeInterval) { lock.withLock { offset += seconds } }
    func now() -> Date { lock.withLock { (frozenAt ?? Date()).addingTimeInterval(offset) } }
}

struct DeviceVerificationTests {
    @Test func deviceAnswersAChallengeAndTheMatchIsLoggedAndSigned() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, template, shop, token) = try await permittedScene(client, service)

            let (created, challenge) = try await shop.challenge(client, template: template, token: token)
            #expect(created == .created)
            let challengeID = try #require(challenge["id"] as? String)
            let nonce = try #require(challenge["nonce"] as? String)
            #expect(challengeID.hasPrefix("c_") && challengeID.count == 24)
            #expect(Base64.decodeURL(nonce)?.count == 32)

            let signature = try await alice.sign(client, template: template, sample: face, challengeID: challengeID, nonce: nonce)
            let (status, answer) = try await shop.answer(client, template: template, token: token, challenge: challengeID, signature: signature)
            #expect(status == .ok)
            let claims = try await resultClaims(client, answer)
            #expect(claims.match)
            #expect(claims.mode == "device")

            let events = try #require(try await alice.send(client, .get, "/v1/holders/me/activity").1["events"] as? [[String: Any]])
            let use = try #require(events.first { $0["type"] as? String == "use" })
            #expect(use["ledger_index"] as? Int == claims.ledger_index)
            #expect((use["details"] as? String)?.contains("\"mode\":\"device\"") == true)

            // Single use: the same answer again finds no live permission with that challenge.
            let (again, problem) = try await shop.answer(client, template: template, token: token, challenge: challengeID, signature: signature)
            #expect(again == .forbidden)
            #expect(problem["code"] as? String == "invalid_challenge")
        }
    }

    @Test func aSignatureFromAnotherKeyIsANoMatchAndConsumesThePermission() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (_, _, template, shop, token) = try await permittedScene(client, service)
            let challenge = try await shop.challenge(client, template: template, token: token).1
            let challengeID = try #require(challenge["id"] as? String)
            let forged = try Curve25519.Signing.PrivateKey().signature(for: Challenge.message(id: challengeID, nonce: try #require(challenge["nonce"] as? String)))
            let (status, answer) = try await shop.answer(client, template: template, token: token, challenge: challengeID, signature: Array(forged))
            #expect(status == .ok)
            #expect(!(try await resultClaims(client, answer).match))
            #expect(try await shop.challenge(client, template: template, token: token).0 == .forbidden)
        }
    }

    @Test func anImpostorSampleCannotUnlockTheKey() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let alice = try await TestHolder.register(client)
            let template = try await alice.enroll(client, randomEmbedding())
            await #expect(throws: VaultError.self) {
                _ = try await alice.sign(client, template: template, sample: randomEmbedding(), challengeID: "c_AAAAAAAAAAAAAAAAAAAAAA", nonce: "n")
            }
        }
    }

    @Test func challengesAreBoundToTheirPartyAndPermissionAndReplacedByANewOne() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let face = randomEmbedding()
            let template = try await alice.enroll(client, face)
            let shop = try await TestParty.register(client, approveWith: service)
            let intruder = try await TestParty.register(client, approveWith: service)
            let token = try #require(try await alice.permit(client, party: shop.id, template: template).1)

            // Another party cannot open a challenge on the shop's permission.
            let (foreign, problem) = try await intruder.challenge(client, template: template, token: token)
            #expect(foreign == .forbidden)
            #expect(problem["code"] as? String == "invalid_permission")

            let first = try #require(try await shop.challenge(client, template: template, token: token).1["id"] as? String)
            let second = try await shop.challenge(client, template: template, token: token).1
            let secondID = try #require(second["id"] as? String)
            #expect(first != secondID)
            let signature = try await alice.sign(client, template: template, sample: face, challengeID: first, nonce: "unused")
            // The replaced challenge is dead; the intruder cannot answer the live one either.
            #expect(try await shop.answer(client, template: template, token: token, challenge: first, signature: signature).0 == .forbidden)
            let live = try await alice.sign(client, template: template, sample: face, challengeID: secondID, nonce: try #require(second["nonce"] as? String))
            #expect(try await intruder.answer(client, template: template, token: token, challenge: secondID, signature: live).0 == .forbidden)
            #expect(try await shop.answer(client, template: template, token: token, challenge: secondID, signature: live).0 == .ok)
        }
    }

    @Test func anExpiredChallengeIsRefused() async throws {
        let clock = TestClock()
        var configuration = ServiceConfiguration()
        configuration.now = { clock.now() }
        try await RegistrationRoutesTests.withAPI(configuration: configuration) { client, service in
            let (alice, face, template, shop, token) = try await permittedScene(client, service)
            let challenge = try await shop.challenge(client, template: template, token: token).1
            let id = try #require(challenge["id"] as? String)
            let signature = try await alice.sign(client, template: template, sample: face, challengeID: id, nonce: try #require(challenge["nonce"] as? String))
            clock.advance(121)
            let (status, problem) = try await shop.answer(client, template: template, token: token, challenge: id, signature: signature)
            #expect(status == .forbidden)
            #expect(problem["code"] as? String == "invalid_challenge")
        }
    }

    @Test func malformedDeviceRequestsAre400() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (_, _, template, shop, token) = try await permittedScene(client, service)
            let challenge = "c_AAAAAAAAAAAAAAAAAAAAAA"
            let base = "\"template_id\":\"\(template)\",\"permission_token\":\"\(token)\""
            // Each variant of the request is a closed schema: the other mode's fields are unknown.
            let bodies: [(String, String)] = [
                ("{\"mode\":\"device\",\(base),\"challenge_id\":\"\(challenge)\"}", "invalid_field"),                       // no signature
                ("{\"mode\":\"device\",\(base),\"challenge_id\":\"\(challenge)\",\"signature\":\"AAAA\"}", "invalid_field"),  // short signature
                ("{\"mode\":\"device\",\(base),\"challenge_id\":\"\(challenge)\",\"signature\":\"\(Base64.encodeURL([UInt8](repeating: 1, count: 64)))\",\"probe\":\(String(decoding: embeddingJSON(randomEmbedding()), as: UTF8.self))}", "unknown_field"),  // both modes
                ("{\"mode\":\"probe\",\(base),\"challenge_id\":\"\(challenge)\",\"probe\":{\"dimension\":32,\"values\":[]}}", "unknown_field"),
                ("{\"mode\":\"retina\",\(base)}", "invalid_field"),
            ]
            for (body, code) in bodies {
                let (status, problem) = try await shop.post(client, "/v1/verifications", Array(body.utf8))
                #expect(status == .badRequest, "\(body)")
                #expect(problem["code"] as? String == code, "\(body)")
            }
            // None of them spent the permission.
            #expect(try await shop.challenge(client, template: template, token: token).0 == .created)
        }
    }

    @Test func onlyTheOwnerDownloadsATemplate() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let mallory = try await TestHolder.register(client)
            let template = try await alice.enroll(client, randomEmbedding())
            let (status, problem) = try await mallory.send(client, .get, "/v1/templates/\(template)")
            #expect(status == .notFound)
            #expect(problem["template"] == nil)
            let shop = try await TestParty.register(client, approveWith: service)
            let headers = try TestClientSigner(key: shop.key, keyID: shop.id).headers(method: .get, path: "/v1/templates/\(template)", body: nil)
            let partyStatus = try await client.execute(uri: "/v1/templates/\(template)", method: .get, headers: headers) { $0.status }
            #expect(partyStatus == .forbidden)
        }
    }

    /// Templates stored before schema v5 have no public-key column: the route parses the template.
    @Test func templatesWithoutAStoredKeyAreVerifiedFromTheirBytes() async throws {
        try await RegistrationRoutesTests.withAPI(templates: { LegacyTemplateStorage(base: $0) }) { client, service in
            let (alice, face, template, shop, token) = try await permittedScene(client, service)
            let challenge = try await shop.challenge(client, template: template, token: token).1
            let id = try #require(challenge["id"] as? String)
            let signature = try await alice.sign(client, template: template, sample: face, challengeID: id, nonce: try #require(challenge["nonce"] as? String))
            let (status, answer) = try await shop.answer(client, template: template, token: token, challenge: id, signature: signature)
            #expect(status == .ok)
            #expect(try await resultClaims(client, answer).match)
        }
    }
}

/// A template store that behaves like one migrated from schema v4: no stored public keys.
struct LegacyTemplateStorage: TemplateStorage {
    let base: any TemplateStorage
    func insert(_ template: StoredTemplate) async throws {
        try await base.insert(StoredTemplate(id: template.id, holderID: template.holderID, bytes: template.bytes, updatedAt: template.updatedAt))
    }
    func template(id: String, holderID: String) async throws -> StoredTemplate? { try await base.template(id: id, holderID: holderID) }
    func template(id: String) async throws -> StoredTemplate? { try await base.template(id: id) }
    func publicKey(id: String) async throws -> [UInt8]? { try await base.publicKey(id: id) }
    func replace(id: String, holderID: String, bytes: [UInt8], publicKey: [UInt8]?, at date: Date) async throws -> Bool {
        try await base.replace(id: id, holderID: holderID, bytes: bytes, publicKey: nil, at: date)
    }
    func delete(id: String, holderID: String) async throws -> Bool { try await base.delete(id: id, holderID: holderID) }
    func templateIDs(holderID: String) async throws -> [String] { try await base.templateIDs(holderID: holderID) }
}
