import ArgumentParser
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JWTKit
import Logging
import SignetCore
import SignetLog
import SignetMarket
import SignetClient
import SignetServer
import SignetService
import SignetStore
import SignetVault

/// `signet demo`: the whole story on a throw-away server, step by step, in plain language.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Walk through enrollment, consent, a logged verification and an audit on a throw-away server.")

    func run() async throws {
        let server = try await ThrowawayServer.start(origin: "demo.signet.local/log", vault: try VaultConfiguration(dimension: 128, alpha: 8)) {
            try await Stores.open(.embedded(dataDirectory: $0))
        }
        do {
            try await story(base: server.base, service: server.service)
        } catch {
            printError("signet demo: a step failed: \(error)")
            await server.stop()
            throw ExitCode.failure
        }
        await server.stop()
    }

    private func step(_ number: Int, _ text: String) { print("\n\(number). \(text)") }
    private func say(_ text: String) { print("   " + text) }

    private func story(base: URL, service: SignetService) async throws {
        let ledger = service.ledger
        print("Signet demo: a throw-away server at \(base) with an empty ledger (\(ledger.verifier.name)).")
        print("Embeddings are synthetic 128-number vectors standing in for a face model's output.")

        step(1, "Alice and Bob each create a key on their device and register it.")
        let alice = try await register("/v1/holders", extra: [:], base: base)
        let bob = try await register("/v1/holders", extra: [:], base: base)
        say("Alice is \(alice.keyID), Bob is \(bob.keyID). Signet stores only their public keys.")

        step(2, "Both enroll their neural signature. Signet keeps only a protected template.")
        let aliceFace = Self.randomFace()
        let bobFace = Self.randomFace()
        let aliceEnroll = try await alice.send(.post, "/v1/templates", json: ["dimension": 128, "values": aliceFace])
        let aliceTemplate = aliceEnroll["id"] as? String ?? ""
        _ = try await bob.send(.post, "/v1/templates", json: ["dimension": 128, "values": bobFace])
        say("Alice's template \(aliceTemplate) is logged at ledger index \(aliceEnroll["ledger_index"] ?? "?"), under a pseudonym only she can recognise.")

        step(3, "A corner shop registers as a party and the operator approves it.")
        let shop = try await register("/v1/parties", extra: ["name": "Corner Shop", "contact": "ops@shop.example"], base: base)
        let approval = try await service.approve(party: shop.keyID)
        say("Corner Shop is \(shop.keyID) and may now ask to verify holders who consent.")
        say("The approval is public too: ledger index \(approval.ledgerIndex) names the shop and what the operator decided.")

        step(4, "Alice gives the shop a one-time permission to check her, and the shop verifies a fresh sample.")
        var permission = try await alice.send(.post, "/v1/permissions", json: ["template_id": aliceTemplate, "party_id": shop.keyID])
        let genuine = try await verify(shop, template: aliceTemplate, token: permission["token"] as? String ?? "", probe: Self.nearby(aliceFace), base: base)
        say("Answer: \(genuine.match ? "MATCH" : "no match"), signed by the server and naming ledger index \(genuine.ledger_index), where the use was logged first.")

        step(5, "The shop tries again with someone else's face (Bob's) against Alice's template.")
        permission = try await alice.send(.post, "/v1/permissions", json: ["template_id": aliceTemplate, "party_id": shop.keyID])
        let impostor = try await verify(shop, template: aliceTemplate, token: permission["token"] as? String ?? "", probe: Self.nearby(bobFace), base: base)
        say("Answer: \(impostor.match ? "MATCH (unexpected!)" : "no match"). The attempt is in the ledger too (index \(impostor.ledger_index)).")

        step(6, "At the counter, the shop asks Alice's phone instead: her face never leaves the phone.")
        permission = try await alice.send(.post, "/v1/permissions", json: ["template_id": aliceTemplate, "party_id": shop.keyID])
        let device = try await deviceVerify(shop, alice, template: aliceTemplate, token: permission["token"] as? String ?? "", sample: Self.nearby(aliceFace))
        say("The phone unlocked its key from a fresh sample and signed the shop's challenge.")
        say("Answer: \(device.match ? "MATCH" : "no match"), logged at ledger index \(device.ledger_index) before it was released.")

        step(7, "Alice checks her activity: every event against the public ledger, on her own device.")
        let activity = try await alice.send(.get, "/v1/holders/me/activity")
        let secret = SymmetricKey(data: Base64.decodeURL(activity["activity_secret"] as? String ?? "") ?? [])
        let events = activity["events"] as? [[String: Any]] ?? []
        var checked = 0
        for event in events {
            let entry = Base64.decode(event["entry"] as? String ?? "") ?? []
            let proof = try TlogProof(parsing: event["proof"] as? String ?? "")
            _ = try proof.verify(entry: entry, verifier: ledger.verifier)
            let logged = (try? JSONSerialization.jsonObject(with: Data(entry)) as? [String: Any]) ?? [:]
            let eventID = Base64.decodeURL(event["event_id"] as? String ?? "") ?? []
            guard logged["holder"] as? String == Base64.encodeURL(LedgerEvent.pseudonym(activitySecret: secret, eventID: eventID)) else {
                throw ValidationError("event \(event["ledger_index"] ?? "?") does not carry Alice's pseudonym")
            }
            say("✓ \(event["type"] as? String ?? "?") at index \(event["ledger_index"] ?? "?"): inclusion proof verified, pseudonym recognised")
            checked += 1
        }
        guard genuine.match, !impostor.match, device.match, checked == events.count, checked >= 7 else {
            throw ValidationError("the story did not end as expected")
        }
        print("\nDone: \(checked) events checked. Nobody but Alice can tell which ledger entries are hers, and nothing in the ledger is biometric.")
    }

    private func register(_ path: String, extra: [String: String], base: URL) async throws -> APIClient {
        let key = Curve25519.Signing.PrivateKey()
        var client = APIClient(base: base, key: key, keyID: Base64.encodeURL(key.publicKey.rawRepresentation))
        var body: [String: Any] = extra
        body["public_key"] = client.keyID
        let answer = try await client.send(.post, path, json: body)
        client.keyID = answer["id"] as? String ?? ""
        return client
    }

    private func verify(_ party: APIClient, template: String, token: String, probe: [Float], base: URL) async throws -> VerificationClaims {
        let answer = try await party.send(.post, "/v1/verifications", json: [
            "mode": "probe", "template_id": template, "permission_token": token, "probe": ["dimension": 128, "values": probe],
        ])
        let jwks = try await party.getText("/.well-known/jwks.json")
        return try await JWTKeyCollection().add(jwksJSON: jwks).verify(answer["result"] as? String ?? "", as: VerificationClaims.self)
    }

    /// Device mode: the shop gets a challenge; Alice's device downloads her template, unlocks the
    /// key with the fresh sample and signs; the shop sends the signature.
    private func deviceVerify(_ party: APIClient, _ holder: APIClient, template: String, token: String, sample: [Float]) async throws -> VerificationClaims {
        let challenge = try await party.send(.post, "/v1/challenges", json: ["template_id": template, "permission_token": token])
        let id = challenge["id"] as? String ?? ""
        let key = try await holder.unlockDeviceKey(template: template, sample: sample)
        let signature = try key.sign(challenge: Challenge.message(id: id, nonce: challenge["nonce"] as? String ?? ""))
        let answer = try await party.send(.post, "/v1/verifications", json: [
            "mode": "device", "template_id": template, "permission_token": token, "challenge_id": id, "signature": Base64.encodeURL(signature),
        ])
        let jwks = try await party.getText("/.well-known/jwks.json")
        return try await JWTKeyCollection().add(jwksJSON: jwks).verify(answer["result"] as? String ?? "", as: VerificationClaims.self)
    }

    static func randomFace() -> [Float] { (0..<128).map { _ in Float.random(in: -1...1) } }

    /// Another sample of the same person: the same direction with about 15° of noise.
    static func nearby(_ face: [Float]) -> [Float] {
        let norm = face.reduce(0) { $0 + $1 * $1 }.squareRoot()
        var noise = (0..<face.count).map { _ in Float.random(in: -1...1) }
        let noiseNorm = noise.reduce(0) { $0 + $1 * $1 }.squareRoot()
        noise = noise.map { $0 / noiseNorm * norm * 0.27 }
        return zip(face, noise).map(+)
    }
}
