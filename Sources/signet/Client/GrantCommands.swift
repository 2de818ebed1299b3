import ArgumentParser
import Foundation
import SignetAPI
import OpenAPIRuntime
import SignetClient

/// `signet holder accept|grants|revoke|receipt|earnings`: the holder's grants.
extension HolderCommand {
    struct Accept: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept a pending offer: the party gets a consent token for the offer's uses; prints the grant's handle.",
            discussion: "Read the offer's risk report first (`signet holder offers`). Revoke the grant at any time with `signet holder revoke HANDLE`.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The offer id (o_…).") var offer: String
        @Option(help: "The template the party may verify (default: your only one).") var template: String?

        func run() async throws {
            try await runClient {
                let grant = try await holderClient(client).acceptOffer(
                    path: .init(offerId: offer), headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder),
                    body: .json(.init(templateId: template))).created.body.json
                print("\(grant.handle) granted to \(grant.partyId): \(grant.maxUses) uses until \(grant.expiresAt.formatted(.iso8601)), ledger index \(grant.ledgerIndex)")
            }
        }
    }

    struct Grants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your grants, newest first: who may use your signature, for what, how often.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let grants = try await holderClient(client).listHolderGrants().ok.body.json.grants
                if grants.isEmpty { print("no grants") }
                for grant in grants { print(Self.line(grant)) }
            }
        }

        static func line(_ grant: Components.Schemas.Grant) -> String {
            "\(grant.handle) \(grant.state.rawValue) \(grant.partyId) \(grant.purpose): \(grant.uses)/\(grant.maxUses) uses, until \(grant.expiresAt.formatted(.iso8601))"
                + (grant.offerId.map { " (offer \($0))" } ?? " (your permission)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a grant now: its next use is refused (logged as a revoke event).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The grant's handle (g_…).") var handle: String

        func run() async throws {
            try await runClient {
                let revoked = try await holderClient(client).revokeGrant(
                    path: .init(handle: handle), headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(.init())).ok.body.json
                print("\(revoked.handle) revoked, ledger index \(revoked.ledgerIndex)")
            }
        }
    }

    struct Receipt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "receipts", abstract: "Write a grant's consent receipt (ISO/IEC TS 27560, DPV) and its ledger proof (c2sp.org/tlog-proof@v1).",
            discussion: "Without --out, prints the receipt's JSON. With --out DIR, writes receipt.json, receipt-proof.txt and entry.bin there.",
            aliases: ["receipt"])
        @OptionGroup var client: ClientOptions
        @Argument(help: "The grant's handle (g_…).") var handle: String
        @Option(help: "A directory to write the receipt, its proof and the ledger entry to.") var out: String?

        func run() async throws {
            try await runClient {
                let bundle = try await holderClient(client).getGrantReceipt(path: .init(handle: handle)).ok.body.json
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                let json = try encoder.encode(bundle.receipt)
                guard let out else {
                    print(String(decoding: json, as: UTF8.self))
                    return
                }
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try json.write(to: URL(fileURLWithPath: out + "/receipt.json"))
                try Data(bundle.proof.utf8).write(to: URL(fileURLWithPath: out + "/receipt-proof.txt"))
                try Data(base64Encoded: bundle.entry).orThrow("the entry is not base64").write(to: URL(fileURLWithPath: out + "/entry.bin"))
                print("wrote \(out)/receipt.json, receipt-proof.txt and entry.bin")
            }
        }
    }

    struct Earnings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your statement of accepted prices and uses (a statement; Signet moves no money).")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let statement = try await holderClient(client).getEarnings().ok.body.json
                if statement.lines.isEmpty { print("no accepted offers") }
                for line in statement.lines {
                    print("\(line.handle) \(line.partyId) offer \(line.offerId): \(line.price.minorUnits) \(line.price.currency), \(line.uses)/\(line.maxUses) uses")
                }
                for total in statement.totals { print("total \(total.minorUnits) \(total.currency) (minor units)") }
            }
        }
    }
}

/// `signet party grants`: the consent tokens the party holds.
extension PartyCommand {
    struct Grants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Your grants with their consent tokens: one line per grant, then its token on the next line.",
            discussion: "Verify under one with `signet party verify --token TOKEN`; the CLI adds the key-binding JWT with your key.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let grants = try await ClientIdentity(role: "party", options: client).client().listPartyGrants().ok.body.json.grants
                if grants.isEmpty { print("no grants") }
                for grant in grants {
                    print("\(grant.handle) \(grant.state.rawValue) \(grant.purpose): \(grant.uses)/\(grant.maxUses) uses, until \(grant.expiresAt.formatted(.iso8601))")
                    if let token = grant.token { print(token) }
                }
            }
        }
    }
}

extension Optional {
    /// The value, or a validation error saying `what` is wrong.
    func orThrow(_ what: String) throws -> Wrapped {
        guard let self else { throw ValidationError(what) }
        return self
    }
}

/// `signet holder attributes` and `signet party attest`.
extension HolderCommand {
    struct Attributes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your attested attributes: name, value and who vouched for it.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let attributes = try await holderClient(client).listHolderAttributes().ok.body.json.attributes
                if attributes.isEmpty { print("no attributes") }
                for attribute in attributes {
                    let value = String(decoding: try JSONEncoder().encode(attribute.value), as: UTF8.self)
                    print("\(attribute.name) = \(value) (attested by \(attribute.attesterId) at \(attribute.attestedAt.formatted(.iso8601)))")
                }
            }
        }
    }
}

extension PartyCommand {
    struct Attest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "As an attester, vouch for an attribute of the holder who gave you a trade code.",
            discussion: "The operator appoints attesters (`signet admin party attester ID`). --value is true, false or text.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The holder's trade code (tc_…).") var code: String
        @Option(help: "The attribute's name, e.g. age_over_18.") var name: String
        @Option(help: "true, false or text.") var value: String

        func run() async throws {
            let json: OpenAPIValueContainer = switch value {
            case "true": true
            case "false": false
            default: OpenAPIValueContainer(stringLiteral: value)
            }
            try await runClient {
                let attested = try await ClientIdentity(role: "party", options: client).client().createAttestation(
                    headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder),
                    body: .json(.init(tradeCode: code, name: name, value: json))).created.body.json
                print("\(attested.name) attested (\(attested.id)), ledger index \(attested.ledgerIndex)")
            }
        }
    }
}
