public import Foundation
public import SignetCore

/// Where an offer stands.
public enum OfferStatus: String, Sendable, Equatable, Codable, CaseIterable {
    /// In the holder's inbox, waiting for a decision.
    case pending
    /// The holder accepted: a grant exists.
    case accepted
    /// The holder declined (or the party declined the holder's counter).
    case declined
    /// The holder answered with other terms (``Offer/counter``); the party accepts or declines them.
    case countered
}

/// A holder's answer to an offer with other terms: fewer uses, a shorter retention, another
/// price. If the party accepts, the grant has these terms, on the template the holder named.
public struct Counter: Sendable, Equatable {
    /// The offer's terms as the holder changed them.
    public var terms: OfferTerms
    /// The template the grant would cover (the holder's choice; never shown to the party).
    public var templateID: TemplateID

    /// Creates a counter.
    public init(terms: OfferTerms, templateID: TemplateID) {
        self.terms = terms
        self.templateID = templateID
    }
}

/// A party's offer to a holder, as it stands in the holder's inbox: the terms, the protocol
/// decision that let it through, and the risk report the holder reads.
public struct Offer: Sendable, Equatable {
    /// `o_` followed by 16 random bytes in base64url.
    public let id: String
    /// The party that made it.
    public let partyID: String
    /// The holder it is addressed to (through a trade code; the party never learns this id).
    public let holderID: String
    /// What the party asks.
    public let terms: OfferTerms
    /// The content id of the trust protocol that allowed it.
    public let protocolID: String
    /// Signet's assessment for the holder.
    public let risk: RiskReport
    /// The holder's counter, once countered.
    public var counter: Counter?
    /// Where it stands.
    public var status: OfferStatus
    /// When the party made it.
    public let createdAt: Date
    /// When the holder decided; `nil` while pending.
    public var decidedAt: Date?

    /// Creates a record.
    public init(id: String, partyID: String, holderID: String, terms: OfferTerms, protocolID: String, risk: RiskReport,
                counter: Counter? = nil, status: OfferStatus = .pending, createdAt: Date, decidedAt: Date? = nil) {
        self.id = id
        self.partyID = partyID
        self.holderID = holderID
        self.terms = terms
        self.protocolID = protocolID
        self.risk = risk
        self.counter = counter
        self.status = status
        self.createdAt = createdAt
        self.decidedAt = decidedAt
    }

    /// A new random offer id.
    public static func newID(using random: any RandomBytesGenerator) -> String {
        "o_" + Base64.encodeURL(random.bytes(16))
    }

    /// Whether `text` has the shape of an offer id.
    public static func isID(_ text: String) -> Bool {
        text.utf8.count == 24 && text.hasPrefix("o_") && Base64.decodeURL(text.dropFirst(2))?.count == 16
    }
}

/// A single-use code a holder hands a party to address one offer to them, so the party never
/// needs (or learns) a global identifier of the holder.
///
/// Only the code's SHA-256 is stored. A code is spent by the first offer the trust protocol
/// lets through; one it refuses leaves the code unspent.
public struct TradeCode: Sendable, Equatable {
    /// SHA-256 of the code's bytes.
    public let codeHash: [UInt8]
    /// The holder who issued it.
    public let holderID: String
    /// When it stops working.
    public let expiresAt: Date

    /// Creates a record.
    public init(codeHash: [UInt8], holderID: String, expiresAt: Date) {
        self.codeHash = codeHash
        self.holderID = holderID
        self.expiresAt = expiresAt
    }
}
