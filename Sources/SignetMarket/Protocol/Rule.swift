/// One rule of the trust protocol: a stable id, the sentence both sides are shown, and the
/// typed check it makes.
///
/// In the rule file a rule is one JSON object, `{"id": …, "statement": …, "check": {"kind": …,
/// …parameters}}`, so the file reads as a list of plain sentences with their machine form
/// beside them (the shape of a Cedar policy set: each policy an id, an effect and a condition;
/// here every rule forbids what fails its check).
public struct Rule: Sendable, Equatable, Codable {
    /// Stable id, named in every decision (`retention-cap`, …).
    public var id: String
    /// The rule in one plain sentence.
    public var statement: String
    /// What it checks.
    public var check: Check

    /// Creates a rule.
    public init(id: String, statement: String, check: Check) {
        self.id = id
        self.statement = statement
        self.check = check
    }

    /// The checks a rule can make; every parameter is typed and range-checked on load.
    public enum Check: Sendable, Equatable, Codable {
        /// Only uses are traded: the scope is never the template or the embedding.
        case usesNotTemplates
        /// The purpose is one of the published ones and explained in 1 to 500 characters.
        case purposeStated
        /// Each purpose allows only the listed scope kinds (`verify`, `attributes`); for
        /// `attributes`, only the listed attribute names.
        case purposeMatchesScope([String: PurposeScope])
        /// Retention is at most `maxDays`.
        case retentionCap(maxDays: Int)
        /// At most `maxUses` uses, granted for at most `maxValidityDays`, offered for at most `maxOfferDays`.
        case usageCap(maxUses: Int, maxValidityDays: Int, maxOfferDays: Int)
        /// No resale or onward transfer of what the party learns.
        case noOnwardTransfer
        /// A holder attested to be under age does not trade.
        case minorsCannotTrade
        /// A party that is not approved, or has open breach findings, makes no offers.
        case partyInGoodStanding
        /// A price is stated in an ISO 4217 currency, at least zero and at most `maxMinorUnits`.
        case priceStated(maxMinorUnits: Int64)
        /// What the watch does, by itself, to the parties a finding names: for each of the
        /// watch's rules (``BreachResponse/findings``), the actions of ``BreachResponse/actions``.
        /// Judges no offer.
        case breachResponse([String: [String]])
    }

    /// The names a breach response uses.
    public enum BreachResponse {
        /// The watch's rules a response can name.
        public static let findings: Set<String> = ["unconsented", "burst", "auction", "replay", "honey"]
        /// Suspend the party: it verifies nothing and makes no offers until the operator approves it again.
        public static let suspendParty = "suspend_party"
        /// Freeze every grant the party holds: SUSPENDED in the status list, never usable again.
        public static let freezeGrants = "freeze_grants"
        /// Withdraw the party's pending offers from the holders' inboxes.
        public static let withdrawOffers = "withdraw_offers"
        /// Every action.
        public static let actions: Set<String> = [suspendParty, freezeGrants, withdrawOffers]
    }

    /// What one purpose may ask for.
    public struct PurposeScope: Sendable, Equatable, Codable {
        /// Scope kinds allowed (`verify`, `attributes`).
        public var scopes: [String]
        /// Attribute names allowed when the scope is `attributes`.
        public var attributes: [String]

        /// Creates an allowance.
        public init(scopes: [String], attributes: [String] = []) {
            self.scopes = scopes
            self.attributes = attributes
        }
    }
}

extension Rule.Check {
    private enum CodingKeys: String, CodingKey {
        case kind, purposes, maxDays = "max_days", maxUses = "max_uses", maxValidityDays = "max_validity_days"
        case maxOfferDays = "max_offer_days", maxMinorUnits = "max_minor_units", responses
    }

    /// The check's kind as the rule file names it.
    public var kind: String {
        switch self {
        case .usesNotTemplates: "uses_not_templates"
        case .purposeStated: "purpose_stated"
        case .purposeMatchesScope: "purpose_matches_scope"
        case .retentionCap: "retention_cap"
        case .usageCap: "usage_cap"
        case .noOnwardTransfer: "no_onward_transfer"
        case .minorsCannotTrade: "minors_cannot_trade"
        case .partyInGoodStanding: "party_in_good_standing"
        case .priceStated: "price_stated"
        case .breachResponse: "breach_response"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let kind = try container.decode(String.self, forKey: .kind)
        func bounded<T: BinaryInteger & Decodable>(_ key: CodingKeys, _ range: ClosedRange<T>) throws -> T {
            let value = try container.decode(T.self, forKey: key)
            guard range.contains(value) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "\(key.rawValue) must be in \(range)")
            }
            return value
        }
        switch kind {
        case "uses_not_templates": self = .usesNotTemplates
        case "purpose_stated": self = .purposeStated
        case "purpose_matches_scope": self = .purposeMatchesScope(try container.decode([String: Rule.PurposeScope].self, forKey: .purposes))
        case "retention_cap": self = .retentionCap(maxDays: try bounded(.maxDays, 0...3650))
        case "usage_cap":
            self = .usageCap(maxUses: try bounded(.maxUses, 1...1_000_000), maxValidityDays: try bounded(.maxValidityDays, 1...3650),
                             maxOfferDays: try bounded(.maxOfferDays, 1...365))
        case "no_onward_transfer": self = .noOnwardTransfer
        case "minors_cannot_trade": self = .minorsCannotTrade
        case "party_in_good_standing": self = .partyInGoodStanding
        case "price_stated": self = .priceStated(maxMinorUnits: try bounded(.maxMinorUnits, 0...Int64(1) << 50))
        case "breach_response":
            let responses = try container.decode([String: [String]].self, forKey: .responses)
            for (finding, actions) in responses {
                guard Rule.BreachResponse.findings.contains(finding) else {
                    throw DecodingError.dataCorruptedError(forKey: .responses, in: container, debugDescription: "unknown finding \(finding); the watch's rules are \(Rule.BreachResponse.findings.sorted().joined(separator: ", "))")
                }
                for action in actions where !Rule.BreachResponse.actions.contains(action) {
                    throw DecodingError.dataCorruptedError(forKey: .responses, in: container, debugDescription: "unknown action \(action); the actions are \(Rule.BreachResponse.actions.sorted().joined(separator: ", "))")
                }
            }
            self = .breachResponse(responses)
        default:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown rule kind \(kind)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .usesNotTemplates, .purposeStated, .noOnwardTransfer, .minorsCannotTrade, .partyInGoodStanding: break
        case .purposeMatchesScope(let purposes): try container.encode(purposes, forKey: .purposes)
        case .retentionCap(let days): try container.encode(days, forKey: .maxDays)
        case .usageCap(let uses, let validity, let offer):
            try container.encode(uses, forKey: .maxUses)
            try container.encode(validity, forKey: .maxValidityDays)
            try container.encode(offer, forKey: .maxOfferDays)
        case .priceStated(let max): try container.encode(max, forKey: .maxMinorUnits)
        case .breachResponse(let responses): try container.encode(responses, forKey: .responses)
        }
    }
}
