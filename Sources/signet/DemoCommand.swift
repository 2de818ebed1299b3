import OpenAPIRuntime
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
import SignetAPI
import SignetClient
import SignetServer
import SignetService
import SignetStore
import SignetVault

/// `signet demo`: the whole story on a throw-away server, step by step, in plain language.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Walk through enrollment, consent, the market, a logged verification and an audit on a throw-away server.",
        discussion: "With --out DIR, also writes the market's artefacts (consent tokens, status list, receipt, its ledger proof and entry, the log key, the trust protocol) for an auditor to check with independent tools.")

    @Option(help: "A directory to write the market's artefacts to.") var out: String?

    func run() async throws {
        let server = try await ThrowawayServer.start(origin: "demo.signet.local/log", vault: try VaultConfiguration(dimension: 128, alpha: 8)) {
            try await Stores.open(.embedded(dataDirectory: $0))
        }
        do {
            let artefacts = try await story(base: server.base, service: server.service)
            if let out {
                try Self.write(artefacts, to: out)
                print("\nWrote the market's artefacts to \(out): " + (artefacts.files.keys.sorted() + artefacts.binary.keys.sorted()).joined(separator: ", "))
            }
        } catch {
            printError("signet demo: a step failed: \(error)")
            await server.stop()
            throw ExitCode.failure
        }
        await server.stop()
    }

    func step(_ number: Int, _ text: String) { print("\n\(number). \(text)") }
    func say(_ text: String) { print("   " + text) }

    private func story(base: URL, service: SignetService) async throws -> MarketArtefacts {
        let ledger = service.ledger
        print("Signet demo: a throw-away server at \(base) with an empty ledger (\(ledger.verifier.name)).")
        print("Embeddings are synthetic 128-number vectors standing in for a face model's output.")

        step(1, "Alice and Bob each create a key on their device and register it.")
        let alice = try await Participant.holder(base)
        let bob = try await Participant.holder(base)
        say("Alice is \(alice.id), Bob is \(bob.id). Signet stores only their public keys.")

        step(2, "Both enroll their neural signature. Signet keeps only a protected template.")
        let aliceFace = Self.randomFace()
        let bobFace = Self.randomFace()
        let aliceEnroll = try await alice.api.enrollTemplate(headers: .init(contentDigest: Self.digest), body: .json(.init(Self.payload(aliceFace)))).created.body.json
        let aliceTemplate = aliceEnroll.id
        _ = try await bob.api.enrollTemplate(headers: .init(contentDigest: Self.digest), body: .json(.init(Self.payload(bobFace)))).created
        say("Alice's template \(aliceTemplate) is logged at ledger index \(aliceEnroll.ledgerIndex), under a pseudonym only she can recognise.")

        step(3, "A corner shop registers as a party and the operator approves it.")
        let shop = try await Participant.party(base, name: "Corner Shop", contact: "ops@shop.example")
        let approval = try await service.approve(party: shop.id)
        say("Corner Shop is \(shop.id) and may now ask to verify holders who consent.")
        say("The approval is public too: ledger index \(approval.ledgerIndex) names the shop and what the operator decided.")

        step(4, "Alice gives the shop a one-time permission to check her, and the shop verifies a fresh sample.")
        func permit() async throws -> String {
            try await alice.api.createPermission(headers: .init(contentDigest: Self.digest), body: .json(.init(templateId: aliceTemplate, partyId: shop.id))).created.body.json.token ?? ""
        }
        let genuine = try await verify(shop, template: aliceTemplate, token: try await permit(), probe: Self.nearby(aliceFace))
        say("Answer: \(genuine.match ? "MATCH" : "no match"), signed by the server and naming ledger index \(genuine.ledger_index), where the use was logged first.")

        step(5, "The shop tries again with someone else's face (Bob's) against Alice's template.")
        let impostor = try await verify(shop, template: aliceTemplate, token: try await permit(), probe: Self.nearby(bobFace))
        say("Answer: \(impostor.match ? "MATCH (unexpected!)" : "no match"). The attempt is in the ledger too (index \(impostor.ledger_index)).")

        step(6, "At the counter, the shop asks Alice's phone instead: her face never leaves the phone.")
        let device = try await deviceVerify(shop, alice, template: aliceTemplate, token: try await permit(), sample: Self.nearby(aliceFace))
        say("The phone unlocked its key from a fresh sample and signed the shop's challenge.")
        say("Answer: \(device.match ? "MATCH" : "no match"), logged at ledger index \(device.ledger_index) before it was released.")

        let artefacts = try await market(base: base, service: service, alice: alice, template: aliceTemplate, face: aliceFace, firstStep: 7)

        step(15, "Alice checks her activity: every event against the public ledger, on her own device.")
        let activity = try await alice.api.listHolderActivity().ok.body.json
        let secret = SymmetricKey(data: Base64.decodeURL(activity.activitySecret) ?? [])
        var checked = 0
        for event in activity.events {
            let entry = Array(event.entry.data)
            let proof = try TlogProof(parsing: event.proof)
            _ = try proof.verify(entry: entry, verifier: ledger.verifier)
            let logged = try LedgerEvent(parsing: entry)
            guard logged.pseudonym == LedgerEvent.pseudonym(activitySecret: secret, eventID: Base64.decodeURL(event.eventId) ?? []) else {
                throw ValidationError("event \(event.ledgerIndex) does not carry Alice's pseudonym")
            }
            say("✓ \(event._type.rawValue) at index \(event.ledgerIndex): inclusion proof verified, pseudonym recognised")
            checked += 1
        }
        guard genuine.match, !impostor.match, device.match, checked == activity.events.count, checked >= 7 else {
            throw ValidationError("the story did not end as expected")
        }
        print("\nDone: \(checked) events checked. Nobody but Alice can tell which ledger entries are hers, and nothing in the ledger is biometric.")
        return artefacts
    }

    /// A holder or party of the story: a fresh key, registered, and a client signing as it.
    struct Participant {
        let id: String
        let api: Client
        let key: Curve25519.Signing.PrivateKey

        /// A consent token presented by this party: with a fresh key-binding JWT.
        func present(_ token: String) throws -> String {
            guard let presented = try ConsentPresentation.present(token, at: Date(), with: key) else {
                throw ValidationError("the server issued something that is not a consent token")
            }
            return presented
        }

        static func holder(_ base: URL) async throws -> Participant {
            try await register(base) { api, publicKey in try await api.registerHolder(headers: .init(contentDigest: digest), body: .json(.init(publicKey: publicKey))).created.body.json.id }
        }

        static func party(_ base: URL, name: String, contact: String) async throws -> Participant {
            try await register(base) { api, publicKey in
                try await api.registerParty(headers: .init(contentDigest: digest), body: .json(.init(publicKey: publicKey, name: name, contact: contact))).created.body.json.id
            }
        }

        private static func register(_ base: URL, _ call: (Client, String) async throws -> String) async throws -> Participant {
            let key = Curve25519.Signing.PrivateKey()
            let publicKey = Base64.encodeURL(key.publicKey.rawRepresentation)
            let id = try await call(Client.signed(server: base, key: key, keyID: publicKey), publicKey)
            return Participant(id: id, api: Client.signed(server: base, key: key, keyID: id), key: key)
        }
    }

    /// The header argument of calls with a body; the signing middleware writes the real digest.
    static let digest = RequestSigningMiddleware.digestPlaceholder

    static func payload(_ face: [Float]) -> EmbeddingPayload {
        EmbeddingPayload(dimension: Int32(face.count), values: face.map(Double.init))
    }

    private func verify(_ party: Participant, template: String, token: String, probe: [Float]) async throws -> VerificationClaims {
        let answer = try await party.api.createVerification(headers: .init(contentDigest: Self.digest), body: .json(.probe(.init(
            mode: .probe, consentToken: try party.present(token), probe: Self.payload(probe))))).ok.body.json
        return try await JWTKeyCollection().add(jwksJSON: party.api.resultKeysJSON()).verify(answer.result, as: VerificationClaims.self)
    }

    /// Device mode: the shop gets a challenge; Alice's device downloads her template, unlocks the
    /// key with the fresh sample and signs; the shop sends the signature.
    private func deviceVerify(_ party: Participant, _ holder: Participant, template: String, token: String, sample: [Float]) async throws -> VerificationClaims {
        let challenge = try await party.api.createChallenge(headers: .init(contentDigest: Self.digest), body: .json(.init(consentToken: try party.present(token)))).created.body.json
        let key = try await holder.api.unlockDeviceKey(template: template, sample: sample)
        let (message, _) = try await holder.api.challengeMessage(id: challenge.id, nonce: challenge.nonce, party: party.id, handle: challenge.handle)
        let signature = try key.sign(challenge: message)
        let answer = try await party.api.createVerification(headers: .init(contentDigest: Self.digest), body: .json(.device(.init(
            mode: .device, consentToken: try party.present(token), challengeId: challenge.id, signature: Base64.encodeURL(signature))))).ok.body.json
        return try await JWTKeyCollection().add(jwksJSON: party.api.resultKeysJSON()).verify(answer.result, as: VerificationClaims.self)
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
