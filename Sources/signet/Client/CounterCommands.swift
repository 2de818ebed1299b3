import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet holder counter`: answer an offer with other terms.
extension HolderCommand {
    struct CounterOffer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "counter",
            abstract: "Answer a pending offer with fewer uses, a shorter retention or another price; the party accepts or declines.",
            discussion: "Give at least one of --max-uses, --retention-days, --price-minor-units. The counter must satisfy the trust protocol too.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The offer id (o_…).") var offer: String
        @Option(help: "Uses you allow.") var maxUses: Int32?
        @Option(help: "Days the party may keep what it learns.") var retentionDays: Int32?
        @Option(help: "Your price, in minor units of the offer's currency.") var priceMinorUnits: Int64?
        @Option(help: "The template a grant would cover (default: your only one).") var template: String?

        func validate() throws {
            guard maxUses != nil || retentionDays != nil || priceMinorUnits != nil else {
                throw ValidationError("give at least one of --max-uses, --retention-days and --price-minor-units")
            }
        }

        func run() async throws {
            try await runClient {
                let decided = try await holderClient(client).counterOffer(
                    path: .init(offerId: offer), headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder),
                    body: .json(.init(maxUses: maxUses, retentionDays: retentionDays, priceMinorUnits: priceMinorUnits, templateId: template)))
                    .ok.body.json
                print("\(decided.id) countered, ledger index \(decided.ledgerIndex)")
            }
        }
    }
}

/// `signet party offers|accept-counter|decline-counter`.
extension PartyCommand {
    struct Offers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your offers, newest first, with the holders' counters.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let offers = try await ClientIdentity(role: "party", options: client).client().listPartyOffers().ok.body.json.offers
                if offers.isEmpty { print("no offers") }
                for offer in offers {
                    print("\(offer.id) \(offer.status.rawValue): \(offer.terms.maxUses) uses, kept \(offer.terms.retentionDays) days, \(offer.terms.price.minorUnits) \(offer.terms.price.currency)")
                    if let counter = offer.counter {
                        print("  counter: \(counter.maxUses) uses, kept \(counter.retentionDays) days, \(counter.price.minorUnits) \(counter.price.currency)")
                    }
                }
            }
        }
    }

    struct AcceptCounter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Accept the holder's counter: the grant is made on its terms; prints the grant's handle, then its consent token.")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The offer id (o_…).") var offer: String

        func run() async throws {
            try await runClient {
                let grant = try await ClientIdentity(role: "party", options: client).client().acceptCounter(
                    path: .init(offerId: offer), headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(.init()))
                    .created.body.json
                print("\(grant.handle) granted: \(grant.maxUses) uses until \(grant.expiresAt.formatted(.iso8601)), ledger index \(grant.ledgerIndex)")
                if let token = grant.token { print(token) }
            }
        }
    }

    struct DeclineCounter: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decline the holder's counter; the offer is closed (logged as a decline event).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The offer id (o_…).") var offer: String

        func run() async throws {
            try await runClient {
                let decided = try await ClientIdentity(role: "party", options: client).client().declineCounter(
                    path: .init(offerId: offer), headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(.init()))
                    .ok.body.json
                print("\(decided.id) declined, ledger index \(decided.ledgerIndex)")
            }
        }
    }
}
