public import Foundation

/// What a party asks of a holder: the terms the trust protocol judges and the holder decides on.
///
/// What is traded is always a *use* of the holder's signature (a verification, or named
/// attributes), never the signature or the template: `templateTransfer` exists only so that a
/// party asking for one is told, by name, which rule refuses it.
public struct OfferTerms: Sendable, Equatable {
    /// What the party would get.
    public enum Scope: Sendable, Equatable, Hashable {
        /// Verifications of the holder's signature (match or no match, nothing else).
        case verify
        /// The named attested attributes (for example `age_over_18`), and only those.
        case attributes([String])
        /// The template or embedding itself: never allowed (see ``Rule/Check/usesNotTemplates``).
        case templateTransfer

        /// The scope's kind, as rules and the wire name it: `verify`, `attributes`, `template_transfer`.
        public var kind: String {
            switch self {
            case .verify: "verify"
            case .attributes: "attributes"
            case .templateTransfer: "template_transfer"
            }
        }
    }

    /// A price: recorded, shown and compared; Signet moves no money.
    public struct Price: Sendable, Equatable {
        /// The amount in minor units (cents): integers, so no rounding hides in a comparison.
        public var minorUnits: Int64
        /// ISO 4217 code, three capital letters.
        public var currency: String

        /// Creates a price.
        public init(minorUnits: Int64, currency: String) {
            self.minorUnits = minorUnits
            self.currency = currency
        }
    }

    /// What the party would get.
    public var scope: Scope
    /// A purpose from the published list (``Purpose``), as a DPV term such as `dpv:IdentityVerification`.
    public var purpose: String
    /// The party's own words on why, shown to the holder.
    public var purposeText: String
    /// How long the party may keep what it learns, in days.
    public var retentionDays: Int
    /// How many uses the grant allows.
    public var maxUses: Int
    /// How long the grant would last once accepted, in days.
    public var validityDays: Int
    /// When the offer lapses unanswered.
    public var expiresAt: Date
    /// What the party pays the holder per grant.
    public var price: Price
    /// Whether the party means to pass what it learns on (resale or onward transfer).
    public var onwardTransfer: Bool

    /// Creates terms.
    public init(scope: Scope, purpose: String, purposeText: String, retentionDays: Int, maxUses: Int, validityDays: Int,
                expiresAt: Date, price: Price, onwardTransfer: Bool = false) {
        self.scope = scope
        self.purpose = purpose
        self.purposeText = purposeText
        self.retentionDays = retentionDays
        self.maxUses = maxUses
        self.validityDays = validityDays
        self.expiresAt = expiresAt
        self.price = price
        self.onwardTransfer = onwardTransfer
    }
}

/// The purposes an offer may state: terms of the W3C Data Privacy Vocabulary (DPV 2.1).
public enum Purpose {
    /// Every purpose the default protocol knows, with the plain-language name a holder sees.
    public static let published: [String: String] = [
        "dpv:IdentityVerification": "confirming you are who you say you are",
        "dpv:AgeVerification": "checking your age",
        "dpv:FraudPreventionAndDetection": "preventing fraud",
        "dpv:EnforceSecurity": "securing access to a place or service",
        "dpv:ServiceProvision": "providing a service you asked for",
        "dpv:LegalCompliance": "meeting a legal obligation",
        "dpv:AccountManagement": "managing your account",
        "dpv:ResearchAndDevelopment": "research and development",
        "dpv:Marketing": "marketing",
        "dpv:Personalisation": "personalising what you are shown",
    ]
}
