import ArgumentParser
import Foundation
import SignetAPI
import SignetClient

/// `signet holder code|offers|decline`: the holder's side of the market.
extension HolderCommand {
    struct Code: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a single-use trade code to hand one party, so it can make you one offer; prints the code.",
            discussion: "The party never learns your id. The code is spent by the first offer the trust protocol lets through.")
        @OptionGroup var client: ClientOptions
        @Option(help: "Days the code works (1...30).") var days = 7

        func run() async throws {
            try await runClient {
                let issued = try await holderClient(client).createTradeCode(
                    headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder),
                    body: .json(.init(lifetimeDays: Int32(clamping: days)))).created.body.json
                print("\(issued.code) expires \(issued.expiresAt.formatted(.iso8601))")
            }
        }
    }

    struct Offers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your inbox: every offer, newest first, with its risk report.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await runClient {
                let inbox = try await holderClient(client).listHolderOffers().ok.body.json
                for change in inbox.protocolChanges {
                    print("trust protocol version \(change.version) may take effect from \(change.effectiveAt.formatted(.iso8601)): "
                          + "added \(change.added), removed \(change.removed), changed \(change.changed) (GET /v1/protocol/pending)")
                }
                let offers = inbox.offers
                if offers.isEmpty { print("no offers") }
                for offer in offers {
                    let terms = offer.terms
                    let scope = terms.scope.kind == .attributes ? "attributes " + (terms.scope.attributes ?? []).joined(separator: ",") : terms.scope.kind.rawValue
                    print("\(offer.id) \(offer.status.rawValue) from \(offer.partyId): \(scope) for \(terms.purpose), \(terms.maxUses) uses over \(terms.validityDays) days, kept \(terms.retentionDays) days, \(terms.price.minorUnits) \(terms.price.currency) (minor units)")
                    print("  risk \(offer.risk.score)/100 (\(offer.risk.level.rawValue)): \"\(terms.purposeText)\"")
                    for reason in offer.risk.reasons { print("    +\(reason.points) \(reason.sentence)") }
                }
            }
        }
    }

    struct Decline: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Decline a pending offer (logged as a decline event).")
        @OptionGroup var client: ClientOptions
        @Argument(help: "The offer id (o_…).") var offer: String

        func run() async throws {
            try await runClient {
                let decided = try await holderClient(client).declineOffer(
                    path: .init(offerId: offer), headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(.init())).ok.body.json
                print("\(decided.id) declined, ledger index \(decided.ledgerIndex)")
            }
        }
    }
}

/// `signet party offer`: the party's side.
extension PartyCommand {
    struct Offer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an offer to the holder of a trade code; prints the offer id, or the rules of the trust protocol that refuse it.",
            discussion: "Read the rules with `curl SERVER/v1/protocol`. Purposes are DPV terms such as dpv:IdentityVerification or dpv:AgeVerification.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The holder's trade code (tc_…).") var code: String
        @Option(help: "verify, or attributes:NAME[,NAME…] (for example attributes:age_over_18).") var scope = "verify"
        @Option(help: "A published purpose (DPV term).") var purpose: String
        @Option(help: "Why, in your words, shown to the holder.") var purposeText: String
        @Option(help: "Days you keep what you learn.") var retentionDays = 0
        @Option(help: "Uses the grant would allow.") var maxUses = 1
        @Option(help: "Days the grant would last.") var validityDays = 30
        @Option(help: "Days the offer stays open.") var openDays = 7
        @Option(help: "Price in minor units (cents).") var priceMinorUnits: Int64 = 0
        @Option(help: "ISO 4217 currency code.") var currency = "EUR"

        func run() async throws {
            let wireScope: Components.Schemas.OfferScope
            if scope == "verify" {
                wireScope = .init(kind: .verify)
            } else if scope.hasPrefix("attributes:") {
                wireScope = .init(kind: .attributes, attributes: scope.dropFirst("attributes:".count).split(separator: ",").map(String.init))
            } else {
                throw ValidationError("--scope is verify or attributes:NAME[,NAME…]")
            }
            let terms = Components.Schemas.OfferTerms(
                scope: wireScope, purpose: purpose, purposeText: purposeText, retentionDays: Int32(clamping: retentionDays),
                maxUses: Int32(clamping: maxUses), validityDays: Int32(clamping: validityDays),
                expiresAt: Date().addingTimeInterval(TimeInterval(max(0, min(openDays, 3650))) * 86_400),
                price: .init(minorUnits: priceMinorUnits, currency: currency), onwardTransfer: false)
            try await runClient {
                let created = try await ClientIdentity(role: "party", options: client).client().createOffer(
                    headers: .init(contentDigest: RequestSigningMiddleware.digestPlaceholder), body: .json(.init(tradeCode: code, terms: terms))).created.body.json
                print("\(created.id) pending, ledger index \(created.ledgerIndex), trust protocol version \(created.protocolVersion)")
            }
        }
    }
}
