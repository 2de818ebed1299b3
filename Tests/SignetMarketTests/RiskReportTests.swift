import Foundation
import SignetMarket
import Testing

/// The risk report on a table of example offers: each row's score, level and the factors that
/// applied, as docs/risk-report.md documents them.
struct RiskReportTests {
    static let now = TrustProtocolTests.now
    static let established = PartyRecord(registeredAt: now.addingTimeInterval(-400 * 86_400), grants: 40, revocations: 1)
    static let similar = PriceBenchmark(medianMinorUnits: 200, count: 12)

    /// The fair offer of ``TrustProtocolTests``, changed.
    static func fair(_ change: @escaping @Sendable (inout OfferTerms) -> Void) -> @Sendable () -> OfferTerms {
        { var terms = TrustProtocolTests.fair(); change(&terms); return terms }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        let name: String
        var terms: @Sendable () -> OfferTerms = { TrustProtocolTests.fair() }
        var party: PartyRecord = RiskReportTests.established
        var prices: PriceBenchmark? = RiskReportTests.similar
        let score: Int
        let level: RiskReport.Level
        let factors: [String]
        var testDescription: String { name }
    }

    static let rows: [Row] = [
        Row(name: "a one-time identity check by an established party", score: 25, level: .medium, factors: ["sensitivity", "retention"]),
        Row(name: "an age check that keeps nothing", terms: Self.fair { $0.scope = .attributes(["age_over_18"]); $0.purpose = "dpv:AgeVerification"; $0.retentionDays = 0 }, score: 5, level: .low, factors: ["sensitivity"]),
        Row(name: "many uses kept for three months", terms: Self.fair { $0.retentionDays = 90; $0.maxUses = 50; $0.validityDays = 180 }, score: 50, level: .high, factors: ["sensitivity", "retention", "uses", "validity"]),
        Row(name: "marketing asking for verifications", terms: Self.fair { $0.purpose = "dpv:Marketing" }, score: 55, level: .high, factors: ["sensitivity", "purpose-scope", "retention"]),
        Row(name: "buying the template", terms: Self.fair { $0.scope = .templateTransfer }, score: 100, level: .high, factors: ["sensitivity", "purpose-scope", "retention"]),
        Row(name: "a price far below similar offers", terms: Self.fair { $0.price.minorUnits = 50 }, score: 35, level: .medium, factors: ["sensitivity", "retention", "price"]),
        Row(name: "a price far above similar offers", terms: Self.fair { $0.price.minorUnits = 5_000 }, score: 35, level: .medium, factors: ["sensitivity", "retention", "price"]),
        Row(name: "too few similar offers to judge the price", terms: Self.fair { $0.price.minorUnits = 5_000 }, prices: PriceBenchmark(medianMinorUnits: 200, count: 2), score: 25, level: .medium, factors: ["sensitivity", "retention"]),
        Row(name: "a hostile price near the largest integer", terms: Self.fair { $0.price.minorUnits = .max }, score: 35, level: .medium, factors: ["sensitivity", "retention", "price"]),
        Row(name: "a party registered yesterday", party: PartyRecord(registeredAt: now.addingTimeInterval(-86_400)),
            score: 35, level: .medium, factors: ["sensitivity", "retention", "party-age"]),
        Row(name: "a party whose grants holders revoke", party: PartyRecord(registeredAt: now.addingTimeInterval(-400 * 86_400), grants: 8, revocations: 3),
            score: 40, level: .medium, factors: ["sensitivity", "retention", "party-revocations"]),
        Row(name: "a party the protocol keeps refusing, with a breach finding",
            party: PartyRecord(registeredAt: now.addingTimeInterval(-400 * 86_400), ruleViolations: 4, openFindings: 1),
            score: 75, level: .high, factors: ["sensitivity", "retention", "party-violations", "party-findings"]),
    ]

    @Test(arguments: rows)
    func scoresEveryRowAsDocumented(_ row: Row) {
        let report = RiskReport.assess(row.terms(), party: row.party, prices: row.prices, rules: .standard, now: Self.now)
        #expect(report.score == row.score)
        #expect(report.level == row.level)
        #expect(report.reasons.map(\.factor) == row.factors)
        #expect(report.reasons.allSatisfy { !$0.sentence.isEmpty && $0.points >= 0 })
        // Deterministic: the same inputs give the same report.
        #expect(report == RiskReport.assess(row.terms(), party: row.party, prices: row.prices, rules: .standard, now: Self.now))
    }
}
