import SignetCore
import SignetMarket
import SignetLog
import SignetService
import SignetClient
import ArgumentParser
import Crypto
import Foundation
import HTTPTypes
import JWTKit
import SignetAPI

/// `signet party …`: an organisation that verifies holders with their consent.
struct PartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party", abstract: "Act as a party: register, verify a consenting holder.",
        subcommands: [Register.self, Challenge.self, Verify.self, Offer.self, Offers.self, AcceptCounter.self, DeclineCounter.self, Grants.self, Attest.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key (if needed) and register; the operator must approve you.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Public name shown to holders.") var name: String
        @Option(help: "Contact (e-mail or URL).") var contact: String
        func run() async throws {
            try await runClient {
                print(try await ClientIdentity(role: "party", options: client).register { api, publicKey in
                    try await api.registerParty(headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(.init(publicKey: publicKey, name: name, contact: contact))).created.body.json.id
                })
            }
        }
    }

    struct Challenge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a device-mode verification; prints the challenge id, nonce and grant handle for the holder's device.",
            discussion: "The holder answers with `signet holder answer --challenge ID --nonce=NONCE --handle HANDLE --party YOUR_ID`; then run `signet party verify --challenge ID --signature=SIG`. A challenge lives 120 seconds; a new one replaces the previous one for the same grant.")
        @OptionGroup var client: ClientOptions
        @OptionGroup var grant: GrantOptions
        func run() async throws {
            try await runClient {
                let identity = ClientIdentity(role: "party", options: client)
                let api = try identity.client()
                let presentation = try grant.presentation(with: identity.loadKey())
                let answer = try await api
                    .createChallenge(headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(.init(consentToken: presentation))).created.body.json
                print("\(answer.id) \(answer.nonce) \(answer.handle)")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a holder under a grant, by probe or by device answer; checks the signed answer and its ledger entry.",
            discussion: "Probe mode: --probe FILE. Device mode: --challenge ID --signature=SIG (from `signet party challenge` and `signet holder answer`).")
        @OptionGroup var client: ClientOptions
        @OptionGroup var grant: GrantOptions
        @Option(help: "Probe mode: file with the probe embedding.") var probe: String?
        @Option(help: "Device mode: the challenge id.") var challenge: String?
        @Option(parsing: .unconditional, help: "Device mode: the holder device's signature (it may start with \"-\").") var signature: String?
        @Option(help: "The log's verifier key, as printed by `signet log key` (env SIGNET_LOG_VKEY): the result's `use` event is proven in the public log against it.")
        var vkey: String?

        func validate() throws {
            switch (probe, challenge, signature) {
            case (.some, nil, nil), (nil, .some, .some): return
            default: throw ValidationError("give either --probe FILE, or --challenge and --signature")
            }
            guard vkey ?? ProcessInfo.processInfo.environment["SIGNET_LOG_VKEY"] != nil else {
                throw ValidationError("--vkey (or SIGNET_LOG_VKEY) is required: the result's ledger event is proven against the log's key")
            }
        }

        func run() async throws {
            let verifier: NoteVerifier
            do { verifier = try NoteVerifier(vkey: vkey ?? ProcessInfo.processInfo.environment["SIGNET_LOG_VKEY"] ?? "") } catch {
                throw ValidationError("--vkey: \(error)")
            }
            // A fresh nonce binds the signed result to this request: an old or another party's
            // result cannot be passed off as the answer to it.
            let nonce = Base64.encodeURL((0..<16).map { _ in UInt8.random(in: .min ... .max) })
            try await runClient {
                let identity = ClientIdentity(role: "party", options: client)
                let party = try identity.client()
                let presentation = try grant.presentation(with: identity.loadKey())
                let request: Components.Schemas.VerificationRequest
                if let probe {
                    request = .probe(.init(mode: .probe, consentToken: presentation,
                                           probe: embeddingPayload(try readEmbedding(probe)), nonce: nonce))
                } else {
                    request = .device(.init(mode: .device, consentToken: presentation,
                                            challengeId: challenge ?? "", signature: signature ?? "", nonce: nonce))
                }
                let answer = try await party.createVerification(headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(request)).ok.body.json
                let keys = try await JWTKeyCollection().add(jwksJSON: party.resultKeysJSON())
                // JWTKit checks the signature against the server's published keys, and `exp`.
                let claims = try await keys.verify(answer.result, as: VerificationClaims.self)
                let partyID = try String(contentsOfFile: ClientIdentity(role: "party", options: client).idPath, encoding: .utf8)
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                guard claims.aud == partyID, claims.nonce == nonce, claims.sub == grant.handle else {
                    throw ValidationError("the signed result is not the answer to this request (audience, nonce or grant differ)")
                }
                let proven = try await Self.proveUseEvent(claims, party: partyID, log: client.serverURL + "/log/", verifier: verifier)
                print("\(claims.match ? "match" : "no match") ledger_index \(claims.ledger_index) (proven in the log at size \(proven.size))")
            }
        }
    }
}

extension PartyCommand.Verify {
    /// Proves that the public log holds, at the result's `ledger_index`, a `use` event by this
    /// party at the result's time (``LogAuditor/entry(at:)``: inclusion proof against the signed
    /// checkpoint). The entry's details are committed to under the holder's secret, so a party
    /// can check the kind, party and time, not which grant it was; a result whose index
    /// holds no such entry is evidence the operator misbehaved.
    static func proveUseEvent(_ claims: VerificationClaims, party: String, log: String, verifier: NoteVerifier) async throws -> Checkpoint {
        guard let index = UInt64(exactly: claims.ledger_index) else {
            throw ValidationError("the signed result names no ledger index")
        }
        let (entry, checkpoint): ([UInt8], Checkpoint)
        do {
            (entry, checkpoint) = try await LogAuditor(fetcher: HTTPLogFetcher(base: log), verifier: verifier).entry(at: index)
        } catch {
            throw ValidationError("the result's ledger event at \(index) is not proven in the public log: \(error)")
        }
        guard checkpoint.origin == claims.log_origin, let event = try? LedgerEvent(parsing: entry),
              event.kind == .use, event.party == party, event.time == Int64(claims.iat) else {
            throw ValidationError("the ledger entry at \(index) is not a use event by this party at the result's time")
        }
        return checkpoint
    }
}

/// The grant a party acts under: its consent token as issued (from `signet party grants`, or
/// from the holder for a one-use permission), which the party presents with a fresh key-binding
/// JWT signed by its own key.
struct GrantOptions: ParsableArguments {
    // Unconditional: a token may start with "-", which must not read as an option.
    @Option(parsing: .unconditional, help: "The consent token (SD-JWT, ending in \"~\") from `signet party grants` or the holder.")
    var token: String

    /// The handle this grant's results and challenges name: the token's `sub`.
    var handle: String? {
        guard let issuer = token.split(separator: "~").first, let payload = CompactJWS.unverifiedPayload(issuer),
              let claims = try? JSONDecoder().decode(ConsentClaims.self, from: Data(payload)) else { return nil }
        return claims.sub
    }

    /// The token with a fresh key-binding JWT signed by `key`.
    func presentation(with key: Curve25519.Signing.PrivateKey) throws -> String {
        guard let presented = try ConsentPresentation.present(token, at: Date(), with: key) else {
            throw ValidationError("--token is not a consent token as issued (an SD-JWT ending in \"~\")")
        }
        return presented
    }
}
