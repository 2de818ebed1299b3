extension TrustProtocol {
    /// The protocol Signet ships with: what an operator runs unless it publishes another.
    ///
    /// Version 2 added `breach-response` (the watch's consequences). A deployment that
    /// activated a version of its own keeps it; adopting this rule is a proposal like any other.
    public static let standard = TrustProtocol(version: 2, title: "Signet standard trust protocol", rules: [
        Rule(id: "uses-not-templates", statement: "Templates and embeddings are never sold or transferred; only uses of them are.",
             check: .usesNotTemplates),
        Rule(id: "purpose-stated", statement: "Every offer states a published purpose and explains it.", check: .purposeStated),
        Rule(id: "purpose-matches-scope", statement: "What an offer asks for must be what its purpose needs, and no more.",
             check: .purposeMatchesScope([
                "dpv:IdentityVerification": .init(scopes: ["verify"]),
                "dpv:AgeVerification": .init(scopes: ["attributes"], attributes: ["age_over_18", "age_over_21"]),
                "dpv:FraudPreventionAndDetection": .init(scopes: ["verify"]),
                "dpv:EnforceSecurity": .init(scopes: ["verify"]),
                "dpv:ServiceProvision": .init(scopes: ["verify", "attributes"], attributes: ["member_of"]),
                "dpv:LegalCompliance": .init(scopes: ["verify", "attributes"], attributes: ["age_over_18", "age_over_21"]),
                "dpv:AccountManagement": .init(scopes: ["verify"]),
             ])),
        Rule(id: "retention-cap", statement: "What a party learns is kept for at most 90 days.", check: .retentionCap(maxDays: 90)),
        Rule(id: "usage-cap", statement: "A grant allows at most 100 uses over at most a year, and an offer lapses within 30 days.",
             check: .usageCap(maxUses: 100, maxValidityDays: 365, maxOfferDays: 30)),
        Rule(id: "no-onward-transfer", statement: "No resale or onward transfer of anything a party learns.", check: .noOnwardTransfer),
        Rule(id: "minors-cannot-trade", statement: "A holder attested to be under age cannot trade.", check: .minorsCannotTrade),
        Rule(id: "party-in-good-standing", statement: "Only approved parties without open breach findings make offers.",
             check: .partyInGoodStanding),
        Rule(id: "price-stated", statement: "Every offer states its price in a real currency; Signet records it and moves no money.",
             check: .priceStated(maxMinorUnits: 100_000_000)),
        Rule(id: "breach-response",
             statement: "A party caught in an auction ring, replaying stolen samples or using a honey template is suspended at once, its grants frozen and its offers withdrawn.",
             check: .breachResponse([
                "auction": [Rule.BreachResponse.suspendParty, Rule.BreachResponse.freezeGrants, Rule.BreachResponse.withdrawOffers],
                "replay": [Rule.BreachResponse.suspendParty, Rule.BreachResponse.freezeGrants, Rule.BreachResponse.withdrawOffers],
                "honey": [Rule.BreachResponse.suspendParty, Rule.BreachResponse.freezeGrants, Rule.BreachResponse.withdrawOffers],
                "unconsented": [],
                "burst": [],
             ])),
    ])
}
