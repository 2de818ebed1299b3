import ArgumentParser
import Foundation
import HTTPTypes
import JWTKit
import SignetServer

/// `signet party …`: an organisation that verifies holders with their consent.
struct PartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party", abstract: "Act as a party: register, verify a consenting holder.",
        subcommands: [Register.self, Verify.self])

    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key (if needed) and register; the operator must approve you.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Public name shown to holders.") var name: String
        @Option(help: "Contact (e-mail or URL).") var contact: String
        func run() async throws {
            try await runClient {
                print(try await ClientIdentity(role: "party", options: client).register("/v1/parties", extra: ["name": name, "contact": contact]))
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a probe against a holder's template under their one-time permission; checks the signed answer.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Template id.") var template: String
        @Option(help: "Permission token from the holder; write --token=VALUE, since a token may start with \"-\".") var token: String
        @Option(help: "File with the probe embedding.") var probe: String
        func run() async throws {
            let values = try readEmbedding(probe)
            try await runClient {
                let party = try ClientIdentity(role: "party", options: client).client()
                let answer = try await party.send(.post, "/v1/verifications", json: [
                    "mode": "probe", "template_id": template, "permission_token": token,
                    "probe": ["dimension": values.count, "values": values],
                ])
                let keys = try await JWTKeyCollection().add(jwksJSON: party.getText("/.well-known/jwks.json"))
                let claims = try await keys.verify(answer["result"] as? String ?? "", as: VerificationClaims.self)
                print("\(claims.match ? "match" : "no match") ledger_index \(claims.ledger_index)")
            }
        }
    }
}
