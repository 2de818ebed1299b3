import SignetClient
import SignetAPI
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

            let challenge = try await shop.challenge(token: token)
            #expect(challenge.id.hasPrefix("c_") && challenge.id.count == 24)
            #expect(Base64.decodeURL(challenge.nonce)?.count == 32)

            let signature = try await alice.sign(template: template, sample: face, challengeID: challenge.id, nonce: challenge.nonce, party: shop.id, handle: challenge.handle)
            let claims = try await resultClaims(shop, try await shop.answer(token: token, challenge: challenge.id, signature: signature))
            #expect(claims.match)
            #expect(claims.mode == "device")

            let use = try #require(try await alice.activity().events.first { $0._type == .use })
            #expect(use.ledgerIndex == Int64(claims.ledger_index))
            #expect(use.details.contains("\"mode\":\"device\""))

            // Single use: the same answer again finds no live permission with that challenge.
            #expect(try await refused(try await shop.answer(token: token, challenge: challenge.id, signature: signature)) == "403 invalid_challenge")
        }
    }

    @Test func aSignatureFromAnotherKeyIsANoMatchAndConsumesThePermission() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (_, _, template, shop, token) = try await permittedScene(client, service)
            let challenge = try await shop.challenge(token: token)
            let forged = try Curve25519.Signing.PrivateKey().signature(for: Challenge.message(
                id: challenge.id, nonce: challenge.nonce, partyID: shop.id, partyName: "Corner Shop", handle: challenge.handle))
            let result = try await shop.answer(token: token, challenge: challenge.id, signature: Array(forged))
            #expect(!(try await resultClaims(shop, result).match))
            #expect(try await refusal(try await shop.challenge(token: token))?.status == 403)
        }
    }

    @Test func anImpostorSampleCannotUnlockTheKey() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let template = try await alice.enroll(randomEmbedding())
            let shop = try await TestParty.register(client, approveWith: service)
            await #expect(throws: VaultError.self) {
                _ = try await alice.sign(template: template, sample: randomEmbedding(), challengeID: "c_AAAAAAAAAAAAAAAAAAAAAA", nonce: "n", party: shop.id, handle: "g_AAAAAAAAAAAAAAAAAAAAAA")
            }
        }
    }

    /// The device signs over the party it was told it answers. A party that passes the holder
    /// another party's id (to borrow its good name) gets a signature the server refuses.
    @Test func anAnswerSignedForAnotherPartyDoesNotVerify() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, template, shop, token) = try await permittedScene(client, service)
            let trusted = try await TestParty.register(client, approveWith: service)
            let challenge = try await shop.challenge(token: token)
            let misled = try await alice.sign(template: template, sample: face, challengeID: challenge.id, nonce: challenge.nonce, party: trusted.id, handle: challenge.handle)
            #expect(!(try await resultClaims(shop, try await shop.answer(token: token, challenge: challenge.id, signature: misled))).match)
            // What the device shows is the server's record of the party it names.
            let (_, name) = try await alice.api.challengeMessage(id: challenge.id, nonce: challenge.nonce, party: shop.id, handle: challenge.handle)
            #expect(name == "Corner Shop")
        }
    }

    @Test func challengesAreBoundToTheirPartyAndPermissionAndReplacedByANewOne() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, template, shop) = try await enrolledScene(client, service)
            let intruder = try await TestParty.register(client, approveWith: service)
            let token = try await alice.permit(party: shop.id, template: template)

            // Another party cannot open a challenge on the shop's permission.
            #expect(try await refused(try await intruder.challenge(token: token)) == "403 invalid_grant")

            let first = try await shop.challenge(token: token).id
            let second = try await shop.challenge(token: token)
            #expect(first != second.id)
            let signature = try await alice.sign(template: template, sample: face, challengeID: first, nonce: "unused", party: shop.id, handle: second.handle)
            // The replaced challenge is dead; the intruder cannot answer the live one either.
            #expect(try await refusal(try await shop.answer(token: token, challenge: first, signature: signature))?.status == 403)
            let live = try await alice.sign(template: template, sample: face, challengeID: second.id, nonce: second.nonce, party: shop.id, handle: second.handle)
            #expect(try await refusal(try await intruder.answer(token: token, challenge: second.id, signature: live))?.status == 403)
            #expect(try await resultClaims(shop, try await shop.answer(token: token, challenge: second.id, signature: live)).match)
        }
    }

    @Test func anExpiredChallengeIsRefused() async throws {
        let clock = TestClock()
        var configuration = ServiceConfiguration()
        configuration.now = { clock.now() }
        try await RegistrationRoutesTests.withAPI(configuration: configuration) { client, service in
            let (alice, face, template, shop, token) = try await permittedScene(client, service)
            let challenge = try await shop.challenge(token: token)
            let signature = try await alice.sign(template: template, sample: face, challengeID: challenge.id, nonce: challenge.nonce, party: shop.id, handle: challenge.handle)
            clock.advance(121)
            #expect(try await refused(try await shop.answer(token: token, challenge: challenge.id, signature: signature)) == "403 invalid_challenge")
        }
    }

    /// Hand-built bodies: each is something the generated client cannot send.
    @Test func malformedDeviceRequestsAre400() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (_, _, template, shop, token) = try await permittedScene(client, service)
            let challenge = "c_AAAAAAAAAAAAAAAAAAAAAA"
            let base = "\"consent_token\":\"\(try shop.present(token))\""
            // Each variant of the request is a closed schema: the other mode's fields are unknown.
            let bodies: [(String, String)] = [
                ("{\"mode\":\"device\",\(base),\"challenge_id\":\"\(challenge)\"}", "invalid_field"),                       // no signature
                ("{\"mode\":\"device\",\(base),\"challenge_id\":\"\(challenge)\",\"signature\":\"AAAA\"}", "invalid_field"),  // short signature
                ("{\"mode\":\"device\",\(base),\"challenge_id\":\"\(challenge)\",\"signature\":\"\(Base64.encodeURL([UInt8](repeating: 1, count: 64)))\",\"probe\":\(String(decoding: embeddingJSON(randomEmbedding()), as: UTF8.self))}", "unknown_field"),  // both modes
                ("{\"mode\":\"probe\",\(base),\"challenge_id\":\"\(challenge)\",\"probe\":{\"dimension\":32,\"values\":[]}}", "unknown_field"),
                ("{\"mode\":\"retina\",\(base)}", "invalid_field"),
                // A party names no template: the field is gone from the schema.
                ("{\"mode\":\"device\",\"template_id\":\"\(template)\",\(base),\"challenge_id\":\"\(challenge)\",\"signature\":\"\(Base64.encodeURL([UInt8](repeating: 1, count: 64)))\"}", "unknown_field"),
            ]
            for (body, code) in bodies {
                let (status, problem) = try await sendRaw(client, key: shop.key, keyID: shop.id, .post, "/v1/verifications", json: Array(body.utf8))
                #expect(status == .badRequest, "\(body)")
                #expect(problem == code, "\(body)")
            }
            // None of them spent the permission.
            _ = try await shop.challenge(token: token)
        }
    }

    @Test func onlyTheOwnerDownloadsATemplate() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let mallory = try await TestHolder.register(client)
            let template = try await alice.enroll(randomEmbedding())
            // Alice's template and one that does not exist look the same to Mallory, byte for byte.
            func body(_ path: String) async throws -> (HTTPResponse.Status, String) {
                let headers = try TestClientSigner(key: mallory.key, keyID: mallory.id, nonce: UUID().uuidString).headers(method: .get, path: path, body: nil)
                return try await client.execute(uri: path, method: .get, headers: headers) { ($0.status, String(buffer: $0.body)) }
            }
            let foreign = try await body("/v1/templates/\(template)")
            let unknown = try await body("/v1/templates/t_AAAAAAAAAAAAAAAAAAAAAA")
            #expect(foreign.0 == .notFound)
            #expect(foreign.1 == unknown.1)
            #expect(!foreign.1.contains("\"template\""))
            let shop = try await TestParty.register(client, approveWith: service)
            #expect(try await refusal(try await shop.api.getTemplate(path: .init(templateId: template)).ok)?.code == "holder_only")
        }
    }

    /// Templates stored before schema v5 have no public-key column: the route parses the template.
    @Test func templatesWithoutAStoredKeyAreVerifiedFromTheirBytes() async throws {
        try await RegistrationRoutesTests.withAPI(templates: { LegacyTemplateStorage(base: $0) }) { client, service in
            let (alice, face, template, shop, token) = try await permittedScene(client, service)
            let challenge = try await shop.challenge(token: token)
            let signature = try await alice.sign(template: template, sample: face, challengeID: challenge.id, nonce: challenge.nonce, party: shop.id, handle: challenge.handle)
            #expect(try await resultClaims(shop, try await shop.answer(token: token, challenge: challenge.id, signature: signature)).match)
        }
    }
}

/// A template store that behaves like one migrated from schema v4: no stored public keys.
struct LegacyTemplateStorage: TemplateStorage {
    let base: any TemplateStorage
    func insert(_ template: StoredTemplate) async throws {
        try await base.insert(StoredTemplate(id: template.id, holderID: template.holderID, bytes: template.bytes, updatedAt: template.updatedAt))
    }
    func template(id: TemplateID, holderID: String) async throws -> StoredTemplate? { try await base.template(id: id, holderID: holderID) }
    func template(id: TemplateID) async throws -> StoredTemplate? { try await base.template(id: id) }
    func publicKey(id: TemplateID) async throws -> [UInt8]? { try await base.publicKey(id: id) }
    func replace(id: TemplateID, holderID: String, bytes: [UInt8], publicKey: [UInt8]?, at date: Date) async throws -> Bool {
        try await base.replace(id: id, holderID: holderID, bytes: bytes, publicKey: nil, at: date)
    }
    func delete(id: TemplateID, holderID: String) async throws -> Bool { try await base.delete(id: id, holderID: holderID) }
    func templateIDs(holderID: String) async throws -> [TemplateID] { try await base.templateIDs(holderID: holderID) }
    func lockAll(holderID: String, at date: Date) async throws -> Int { try await base.lockAll(holderID: holderID, at: date) }
}
