import SignetCore
public import SignetMarket

extension EarningsLine {
    /// The sum of `lines`' prices per currency, currencies in alphabetical order: the bottom
    /// line of an earnings statement (the API's and the dashboard's).
    /// - Throws: ``ServiceError`` `.conflict` when a currency's sum does not fit in 64 bits.
    public static func totals(of lines: [EarningsLine]) throws -> [OfferTerms.Price] {
        var totals: [String: Int64] = [:]
        for line in lines {
            let (sum, overflow) = totals[line.price.currency, default: 0].addingReportingOverflow(line.price.minorUnits)
            guard !overflow else { throw ServiceError(.conflict, "the accepted prices in \(line.price.currency) add up beyond what a statement can show") }
            totals[line.price.currency] = sum
        }
        return totals.keys.sorted().map { OfferTerms.Price(minorUnits: totals[$0]!, currency: $0) }
    }
}
