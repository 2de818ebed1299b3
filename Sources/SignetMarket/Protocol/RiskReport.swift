public import Foundation

/// What Signet knows about a party from the ledger and the market when it assesses an offer.
public struct PartyRecord: Sendable, Equatable {
    /// When the party registered.
    public var registeredAt: Date
    /// Grants holders have made to it.
    public var grants: Int
    /// Of those, how many holders revoked.
    public var revocations: Int
    /// Offers of its that the trust protocol refused.
    public var ruleViolations: Int
    /// Open breach findings against it (the watch).
    public var openFindings: Int

    /// Creates a record.
    public init(registeredAt: Date, grants: Int = 0, revocations: Int = 0, ruleViolations: Int = 0, openFindings: Int = 0) {
        self.registeredAt = registeredAt
        self.grants = grants
        self.revocations = revocations
        self.ruleViolations = ruleViolations
        self.openFindings = openFindings
    }
}

/// What similar offers (same purpose, scope kind and currency) were accepted at.
public struct PriceBenchmark: Sendable, Equatable {
    /// The median accepted price, in minor units.
    public var medianMinorUnits: Int64
    /// How many accepted offers the median is over.
    public var count: Int

    /// Creates a benchmark.
    public init(medianMinorUnits: Int64, count: Int) {
        self.medianMinorUnits = medianMinorUnits
        self.count = count
    }
}

/// Signet's plain-language assessment of an offer for the holder: a score from 0 to 100, a
/// level, and every reason with the points it added.
///
/// Deterministic: the same offer, record and benchmark always give the same report. The points
/// are documented in docs/risk-report.md and fixed here in one place.
public struct RiskReport: Sendable, Equatable, Codable {
    /// How worried the holder should be.
    public enum Level: String, Sendable, Equatable, Codable {
        case low, medium, high
    }

    /// One reason: which factor, the points it added, and the sentence the holder reads.
    public struct Reason: Sendable, Equatable, Codable {
        /// `sensitivity`, `purpose-scope`, `retention`, `uses`, `validity`, `price`, `party-age`,
        /// `party-revocations`, `party-violations`, `party-findings`.
        public let factor: String
        /// Points added to the score.
        public let points: Int
        /// The reason in plain language.
        public let sentence: String
    }

    /// 0 (nothing to worry about) to 100.
    public let score: Int
    /// Low below 25, medium below 50, high from 50.
    public let level: Level
    /// Every factor that applied, in a fixed order.
    public let reasons: [Reason]

    /// Assesses `terms` from a party with `record`, against what similar offers paid and the
    /// purposes `rules` allow each scope for.
    public static func assess(_ terms: OfferTerms, party record: PartyRecord, prices: PriceBenchmark?, rules: TrustProtocol, now: Date) -> RiskReport {
        var reasons: [Reason] = []
        func add(_ factor: String, _ points: Int, _ sentence: String) { reasons.append(Reason(factor: factor, points: points, sentence: sentence)) }

        switch terms.scope {
        case .verify:
            add("sensitivity", 15, "It asks to check your face against your template: a yes or no each time, never the face itself.")
        case .attributes(let names):
            add("sensitivity", 5 * names.count, "It asks only for \(names.joined(separator: ", ")), nothing else about you.")
        case .templateTransfer:
            add("sensitivity", 100, "It asks for your template itself, which would let it act as you anywhere.")
        }
        let mismatch = rules.rules.contains { rule in
            if case .purposeMatchesScope = rule.check { rule.check.failure(for: OfferContext(terms: terms, partyStatus: .approved, now: now)) != nil } else { false }
        }
        if mismatch {
            add("purpose-scope", 30, "What it asks for is more than its stated purpose (\(Purpose.published[terms.purpose] ?? terms.purpose)) needs.")
        }
        switch terms.retentionDays {
        case 0: break
        case 1...7: add("retention", 5, "It keeps what it learns for up to \(terms.retentionDays) days.")
        case 8...30: add("retention", 10, "It keeps what it learns for up to \(terms.retentionDays) days.")
        case 31...90: add("retention", 20, "It keeps what it learns for \(terms.retentionDays) days, up to three months.")
        default: add("retention", 30, "It keeps what it learns for \(terms.retentionDays) days, more than three months.")
        }
        switch terms.maxUses {
        case ...1: break
        case 2...10: add("uses", 5, "It may check you up to \(terms.maxUses) times.")
        case 11...100: add("uses", 10, "It may check you up to \(terms.maxUses) times.")
        default: add("uses", 20, "It may check you up to \(terms.maxUses) times.")
        }
        if terms.validityDays > 90 {
            add("validity", 5, "Your consent would last \(terms.validityDays) days unless you revoke it.")
        }
        if let prices, prices.count >= 3, prices.medianMinorUnits > 0 {
            // In floating point: a hostile price near Int64.max must not overflow the comparison.
            let (price, median) = (Double(terms.price.minorUnits), Double(prices.medianMinorUnits))
            if price * 2 < median {
                add("price", 10, "It pays less than half of what \(prices.count) similar offers paid.")
            } else if price > median * 3 {
                add("price", 10, "It pays more than three times what \(prices.count) similar offers paid; unusually high prices can mean resale.")
            }
        }
        let ageDays = Int(now.timeIntervalSince(record.registeredAt) / 86_400)
        if ageDays < 30 {
            add("party-age", 10, "The party registered \(max(0, ageDays)) days ago; it has little record yet.")
        }
        if record.revocations >= 2, record.revocations * 4 >= record.grants {
            add("party-revocations", 15, "Holders revoked \(record.revocations) of the \(record.grants) grants they made to this party.")
        }
        if record.ruleViolations >= 3 {
            add("party-violations", 10, "The trust protocol refused \(record.ruleViolations) of its offers.")
        }
        if record.openFindings > 0 {
            add("party-findings", 40, "The watch has \(record.openFindings) open breach findings against this party.")
        }
        let score = min(100, reasons.reduce(0) { $0 + $1.points })
        return RiskReport(score: score, level: score < 25 ? .low : score < 50 ? .medium : .high, reasons: reasons)
    }
}
