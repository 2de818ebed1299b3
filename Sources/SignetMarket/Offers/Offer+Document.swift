public import Foundation
import SignetCore

/// The stored form of an offer's terms and risk report: one JSON document beside the columns
/// stores query by (ids, status, times), so both database stores keep offers the same way.
struct OfferDocument: Codable, Sendable {
    struct Terms: Codable, Sendable {
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
    /// The holder's counter terms and the template they name; absent until countered.
    var counter: Terms?
    var counterTemplate: String?
}

extension OfferDocument.Terms {
    init(_ terms: OfferTerms) {
        let attributes: [String]? = if case .attributes(let names) = terms.scope { names } else { nil }
        self.init(scope: terms.scope.kind, attributes: attributes, purpose: terms.purpose, purposeText: terms.purposeText,
                  retentionDays: terms.retentionDays, maxUses: terms.maxUses, validityDays: terms.validityDays,
                  expiresAt: terms.expiresAt.timeIntervalSince1970, priceMinorUnits: terms.price.minorUnits,
                  currency: terms.price.currency, onwardTransfer: terms.onwardTransfer)
    }

    /// The typed terms; `nil` for an unknown scope.
    var typed: OfferTerms? {
        let scope: OfferTerms.Scope
        switch (self.scope, attributes) {
        case ("verify", nil): scope = .verify
        case ("attributes", let names?): scope = .attributes(names)
        case ("template_transfer", nil): scope = .templateTransfer
        default: return nil
        }
        return OfferTerms(scope: scope, purpose: purpose, purposeText: purposeText, retentionDays: retentionDays, maxUses: maxUses,
                          validityDays: validityDays, expiresAt: Date(timeIntervalSince1970: expiresAt),
                          price: .init(minorUnits: priceMinorUnits, currency: currency), onwardTransfer: onwardTransfer)
    }
}

extension Offer {
    /// The JSON document a store keeps for this offer (terms, protocol id, risk report, counter).
    public func document() throws -> [UInt8] {
        let document = OfferDocument(terms: .init(terms), protocolID: protocolID, risk: risk, counter: counter.map { .init($0.terms) },
                                     counterTemplate: counter?.templateID.rawValue)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return Array(try encoder.encode(document))
    }

    /// An offer read back from its columns and ``document()``.
    /// - Throws: ``MarketError`` `.invalidField` when the document is unreadable.
    public init(id: String, partyID: String, holderID: String, document bytes: [UInt8], status: OfferStatus, createdAt: Date,
                decidedAt: Date?) throws {
        let document: OfferDocument
        if let cached = Self.decodedDocuments.get(bytes) {
            document = cached.document
        } else {
            guard let decoded = try? JSONDecoder().decode(OfferDocument.self, from: Data(bytes)) else {
                throw MarketError(.invalidField, "the stored offer \(id) is unreadable")
            }
            Self.decodedDocuments.put(bytes, DecodedDocument(document: decoded, bytes: bytes.count))
            document = decoded
        }
        guard let terms = document.terms.typed else { throw MarketError(.invalidField, "the stored offer \(id) has an unknown scope") }
        var counter: Counter?
        if let stored = document.counter {
            guard let counterTerms = stored.typed, let template = document.counterTemplate.flatMap(TemplateID.init) else {
                throw MarketError(.invalidField, "the stored offer \(id) has an unreadable counter")
            }
            counter = Counter(terms: counterTerms, templateID: template)
        }
        self.init(
            id: id, partyID: partyID, holderID: holderID, terms: terms, protocolID: document.protocolID, risk: document.risk, counter: counter,
            status: status, createdAt: createdAt, decidedAt: decidedAt)
    }

    /// Offer documents as decoded, keyed by their exact bytes (so a hit is the same document).
    /// Deliberate: decoding one with Foundation's JSONDecoder took about 37 µs, most of a
    /// holder's inbox of 100 offers; hashing the bytes takes one or two. A document never
    /// changes under its bytes, so nothing is ever stale. At most 8 MB of documents.
    private static let decodedDocuments = BoundedCache<[UInt8], DecodedDocument>(capacity: 8 << 20) { 2 * $0.bytes }
}

/// A decoded offer document and the size of its bytes (the cache's cost: the key and about as
/// much again decoded).
private struct DecodedDocument: Sendable {
    let document: OfferDocument
    let bytes: Int
}
