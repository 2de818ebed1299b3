public import Foundation
import SignetCore

/// The stored form of an offer's terms and risk report: one JSON document beside the columns
/// stores query by (ids, status, times), so both database stores keep offers the same way.
struct OfferDocument: Codable {
    struct Terms: Codable {
        var scope: String
        var attributes: [String]?
        var purpose: String
        var purposeText: String
        var retentionDays: Int
        var maxUses: Int
        var validityDays: Int
        var expiresAt: Double
        var priceMinorUnits: Int64
        var currency: String
        var onwardTransfer: Bool
    }

    var terms: Terms
    var protocolID: String
    var risk: RiskReport
}

extension Offer {
    /// The JSON document a store keeps for this offer (terms, protocol id, risk report).
    public func document() throws -> [UInt8] {
        let attributes: [String]? = if case .attributes(let names) = terms.scope { names } else { nil }
        let document = OfferDocument(
            terms: .init(scope: terms.scope.kind, attributes: attributes, purpose: terms.purpose, purposeText: terms.purposeText,
                         retentionDays: terms.retentionDays, maxUses: terms.maxUses, validityDays: terms.validityDays,
                         expiresAt: terms.expiresAt.timeIntervalSince1970, priceMinorUnits: terms.price.minorUnits,
                         currency: terms.price.currency, onwardTransfer: terms.onwardTransfer),
            protocolID: protocolID, risk: risk)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(document))
    }

    /// An offer read back from its columns and ``document()``.
    /// - Throws: ``MarketError`` `.invalidField` when the document is unreadable.
    public init(id: String, partyID: String, holderID: String, document bytes: [UInt8], status: OfferStatus, createdAt: Date,
                decidedAt: Date?) throws {
        guard let document = try? JSONDecoder().decode(OfferDocument.self, from: Data(bytes)) else {
            throw MarketError(.invalidField, "the stored offer \(id) is unreadable")
        }
        let stored = document.terms
        let scope: OfferTerms.Scope
        switch (stored.scope, stored.attributes) {
        case ("verify", nil): scope = .verify
        case ("attributes", let names?): scope = .attributes(names)
        case ("template_transfer", nil): scope = .templateTransfer
        default: throw MarketError(.invalidField, "the stored offer \(id) has an unknown scope")
        }
        self.init(
            id: id, partyID: partyID, holderID: holderID,
            terms: OfferTerms(scope: scope, purpose: stored.purpose, purposeText: stored.purposeText, retentionDays: stored.retentionDays,
                              maxUses: stored.maxUses, validityDays: stored.validityDays,
                              expiresAt: Date(timeIntervalSince1970: stored.expiresAt),
                              price: .init(minorUnits: stored.priceMinorUnits, currency: stored.currency), onwardTransfer: stored.onwardTransfer),
            protocolID: document.protocolID,
            risk: document.risk,
            status: status, createdAt: createdAt, decidedAt: decidedAt)
    }
}
