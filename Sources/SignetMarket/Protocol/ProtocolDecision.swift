public import Foundation

/// What the trust protocol knows about an offer and its two sides when it judges it.
public struct OfferContext: Sendable, Equatable {
    /// The offer's terms.
    public var terms: OfferTerms
    /// The party's standing with the operator.
    public var partyStatus: PartyStatus
    /// Open breach findings against the party (the watch records them).
    public var partyOpenFindings: Int
    /// Whether an attester has attested that the holder is under age.
    public var holderAttestedMinor: Bool
    /// The time of the decision.
    public var now: Date

    /// Creates a context.
    public init(terms: OfferTerms, partyStatus: PartyStatus, partyOpenFindings: Int = 0, holderAttestedMinor: Bool = false, now: Date) {
        self.terms = terms
        self.partyStatus = partyStatus
        self.partyOpenFindings = partyOpenFindings
        self.holderAttestedMinor = holderAttestedMinor
        self.now = now
    }
}

/// How one rule judged an offer.
public struct RuleOutcome: Sendable, Equatable {
    /// The rule's id.
    public let ruleID: String
    /// Whether the offer satisfies it.
    public let passed: Bool
    /// Why, in one plain sentence: the rule's statement when it passed, what is wrong when not.
    public let reason: String
}

/// The protocol's decision on an offer: every rule it applied, each with its outcome, so both
/// sides can see exactly why an offer may or may not reach the holder.
public struct ProtocolDecision: Sendable, Equatable {
    /// The content id of the protocol that decided (``TrustProtocol/contentID()``).
    public let protocolID: String
    /// Its version.
    public let protocolVersion: Int
    /// One outcome per rule, in the protocol's order.
    public let outcomes: [RuleOutcome]

    /// Whether every rule passed.
    public var allowed: Bool { outcomes.allSatisfy(\.passed) }
    /// The rules that refused the offer.
    public var refusals: [RuleOutcome] { outcomes.filter { !$0.passed } }
}

extension TrustProtocol {
    /// Applies every rule to `context`.
    public func evaluate(_ context: OfferContext) throws -> ProtocolDecision {
        evaluate(context, contentID: try contentID())
    }

    /// ``evaluate(_:)`` with the content id already known (hashing the protocol is most of the
    /// cost of a decision; a server computes it once per version).
    public func evaluate(_ context: OfferContext, contentID: String) -> ProtocolDecision {
        ProtocolDecision(protocolID: contentID, protocolVersion: version, outcomes: rules.map { rule in
            let failure = rule.check.failure(for: context)
            return RuleOutcome(ruleID: rule.id, passed: failure == nil, reason: failure ?? rule.statement)
        })
    }
}

extension Rule.Check {
    /// What is wrong with the offer under this check, or `nil` when it passes.
    func failure(for context: OfferContext) -> String? {
        let terms = context.terms
        switch self {
        case .usesNotTemplates:
            return terms.scope == .templateTransfer ? "the offer asks for the template itself; only uses of it are ever traded" : nil
        case .purposeStated:
            guard Purpose.published[terms.purpose] != nil else { return "\(terms.purpose) is not a published purpose" }
            let text = terms.purposeText.trimmingCharacters(in: .whitespacesAndNewlines)
            return (1...500).contains(text.count) ? nil : "the purpose must be explained in 1 to 500 characters"
        case .purposeMatchesScope(let allowances):
            guard let allowance = allowances[terms.purpose], allowance.scopes.contains(terms.scope.kind) else {
                return "the purpose \(terms.purpose) does not allow the scope \(terms.scope.kind)"
            }
            if case .attributes(let names) = terms.scope {
                guard !names.isEmpty, Set(names).count == names.count else { return "name each attribute once, at least one" }
                let extra = names.filter { !allowance.attributes.contains($0) }
                guard extra.isEmpty else { return "the purpose \(terms.purpose) does not need \(extra.joined(separator: ", "))" }
            }
            return nil
        case .retentionCap(let maxDays):
            return (0...maxDays).contains(terms.retentionDays) ? nil : "retention of \(terms.retentionDays) days exceeds the cap of \(maxDays) days"
        case .usageCap(let maxUses, let maxValidityDays, let maxOfferDays):
            guard (1...maxUses).contains(terms.maxUses) else { return "\(terms.maxUses) uses is outside 1 to \(maxUses)" }
            guard (1...maxValidityDays).contains(terms.validityDays) else {
                return "a grant lasting \(terms.validityDays) days is outside 1 to \(maxValidityDays) days"
            }
            let latest = context.now.addingTimeInterval(TimeInterval(maxOfferDays) * 86_400)
            guard terms.expiresAt > context.now, terms.expiresAt <= latest else {
                return "the offer must expire in the future and within \(maxOfferDays) days"
            }
            return nil
        case .noOnwardTransfer:
            return terms.onwardTransfer ? "the offer would pass what the party learns on; resale and onward transfer are not allowed" : nil
        case .minorsCannotTrade:
            return context.holderAttestedMinor ? "the holder is under age and cannot trade" : nil
        case .partyInGoodStanding:
            guard context.partyStatus == .approved else { return "the party is \(context.partyStatus.rawValue), not approved" }
            return context.partyOpenFindings == 0 ? nil : "the party has \(context.partyOpenFindings) open breach findings and is suspended from trading"
        case .priceStated(let maxMinorUnits):
            let currency = terms.price.currency.utf8
            guard currency.count == 3, currency.allSatisfy({ (0x41...0x5A).contains($0) }) else {
                return "the price needs an ISO 4217 currency code (three capital letters)"
            }
            return (0...maxMinorUnits).contains(terms.price.minorUnits) ? nil : "the price must be between 0 and \(maxMinorUnits) minor units"
        case .breachResponse:
            return nil
        }
    }
}
