public import Foundation
public import SignetCore
public import SignetMarket
import SignetVault

/// What a holder changes when countering: any of uses, retention and price (at least one).
public struct CounterChanges: Sendable, Equatable {
    /// Fewer (or more) uses.
    public var maxUses: Int?
    /// A shorter (or longer) retention, in days.
    public var retentionDays: Int?
    /// Another price, in the offer's currency's minor units.
    public var priceMinorUnits: Int64?

    /// Creates changes.
    public init(maxUses: Int? = nil, retentionDays: Int? = nil, priceMinorUnits: Int64? = nil) {
        self.maxUses = maxUses
        self.retentionDays = retentionDays
        self.priceMinorUnits = priceMinorUnits
    }
}

/// Counter-offers: the holder answers an offer with other uses, retention or price; the party
/// accepts (and gets the grant, on the holder's terms) or declines.
extension SignetService {
    /// Counters a pending offer. The counter terms must satisfy the trust protocol too.
    /// - Parameter templateID: the template a grant would cover; `nil` takes the holder's only one.
    /// - Throws: ``ServiceError`` `.holderOnly`, `.notFound`, `.conflict` (decided or lapsed
    ///   already, a template transfer, no or several templates), `.invalidField` (nothing
    ///   changed, or a value out of range), `.protocolRefused`.
    public func counter(offer id: String, changes: CounterChanges, templateID: String? = nil, as caller: PrincipalID) async throws -> OfferDecision {
        let holder = try requireHolder(caller)
        let now = self.now
        guard Offer.isID(id), let offer = try await stores.offers.offer(id), offer.holderID == holder.rawValue,
              let partyID = PartyID(offer.partyID) else {
            throw ServiceError(.notFound, "no offer \(id) for you")
        }
        guard offer.status == .pending else { throw ServiceError(.conflict, "offer \(id) is \(offer.status.rawValue) already") }
        guard offer.terms.expiresAt > now else { throw ServiceError(.conflict, "offer \(id) lapsed unanswered; ask the party for a new one") }
        guard offer.terms.scope != .templateTransfer else { throw ServiceError(.conflict, "offer \(id) asks for the template itself") }
        var terms = offer.terms
        if let uses = changes.maxUses { terms.maxUses = uses }
        if let days = changes.retentionDays { terms.retentionDays = days }
        if let price = changes.priceMinorUnits { terms.price.minorUnits = price }
        guard terms != offer.terms else {
            throw ServiceError(.invalidField, "a counter changes at least one of max_uses, retention_days and price")
        }
        guard (1...1_000_000).contains(terms.maxUses), terms.retentionDays >= 0, terms.price.minorUnits >= 0 else {
            throw ServiceError(.invalidField, "max_uses is 1 to 1000000; retention_days and the price are not negative")
        }
        let party = try await stores.identities.party(partyID)
        let active = try await activeProtocol()
        let decision = active.rules.evaluate(OfferContext(terms: terms, partyStatus: party?.status ?? .suspended, now: now), contentID: active.contentID)
        guard decision.allowed else {
            let named = decision.refusals.map { "\($0.ruleID): \($0.reason)" }.joined(separator: "; ")
            throw ServiceError(.protocolRefused, "the trust protocol (version \(decision.protocolVersion)) refuses the counter: \(named)")
        }
        let template = try await grantedTemplate(templateID, holder: holder)
        guard let countered = try await stores.offers.counter(id, holderID: holder.rawValue, counter: Counter(terms: terms, templateID: template), at: now)
        else {
            throw ServiceError(.conflict, "offer \(id) was decided by another request")
        }
        let index = try await recorder.record(.counter(holder: holder, party: partyID, offer: id), at: now)
        return OfferDecision(offer: countered, ledgerIndex: index)
    }

    /// The calling party's offers, newest first, with the holders' counters.
    /// - Throws: ``ServiceError`` `.partyOnly`.
    public func partyOffers(as caller: PrincipalID) async throws -> [Offer] {
        guard let party = PartyID(caller) else { throw ServiceError(.partyOnly, "only a party has offers to list") }
        return try await stores.offers.offers(partyID: party.rawValue)
    }

    /// The party accepts the holder's counter: the grant is made on the counter's terms, for
    /// the template the holder named, and its consent token returned to the party.
    /// - Throws: ``ServiceError`` `.partyOnly`, `.partyNotApproved`, `.notFound` (no such
    ///   offer of the caller's), `.conflict` (not countered, or lapsed).
    public func acceptCounter(offer id: String, as caller: PrincipalID) async throws -> IssuedGrant {
        let party = try await requireApprovedParty(caller)
        let now = self.now
        let found = try await partyOffer(id, party: party.id, expecting: nil)
        // A counter accepted by a request that failed before its grant was made is accepted again.
        let resuming = found.counter != nil ? try await unfinishedAcceptance(found, now: now) : false
        guard found.status == .countered || resuming else {
            throw ServiceError(.conflict, "offer \(id) is \(found.status.rawValue), not countered")
        }
        let offer = found
        guard let counter = offer.counter, let holder = HolderID(offer.holderID) else {
            throw ServiceError(.corruptRecord, "the countered offer \(id) has no counter")
        }
        guard counter.terms.expiresAt > now || resuming else { throw ServiceError(.conflict, "the counter to offer \(id) lapsed with the offer") }
        // The holder may have deleted (or renewed) the template since countering: consent to
        // the old helper data does not carry over, as for grants (see ``renew``).
        guard let template = try await stores.templates.template(id: counter.templateID, holderID: holder.rawValue),
              template.updatedAt <= (offer.decidedAt ?? now) else {
            throw ServiceError(.conflict, "the template the counter to offer \(id) named was deleted or renewed since; the holder must counter again")
        }
        try Self.requireUnlocked(template)
        let disclosable = try await disclosures(for: counter.terms, holder: holder)
        let settled: Offer
        if resuming {
            settled = offer
        } else {
            guard let accepted = try await stores.offers.settle(id, partyID: party.id.rawValue, status: .accepted, at: now) else {
                throw ServiceError(.conflict, "offer \(id) was settled by another request")
            }
            settled = accepted
        }
        let terms = counter.terms
        return try await issueGrant(GrantTerms(
            template: counter.templateID, maxUses: terms.maxUses, lifetimeSeconds: terms.validityDays * 86_400,
            retentionDays: terms.retentionDays, purpose: terms.purpose, scope: terms.scope.kind, offer: settled, disclosable: disclosable),
            holder: holder, party: party, now: now)
    }

    /// The party declines the holder's counter (logged as `decline`); the offer is closed.
    /// - Throws: ``ServiceError`` `.partyOnly`, `.notFound`, `.conflict` (not countered).
    public func declineCounter(offer id: String, as caller: PrincipalID) async throws -> OfferDecision {
        guard let party = PartyID(caller) else { throw ServiceError(.partyOnly, "only the party that made the offer may answer its counter") }
        let now = self.now
        let offer = try await partyOffer(id, party: party, expecting: .countered)
        guard let holder = HolderID(offer.holderID),
              let settled = try await stores.offers.settle(id, partyID: party.rawValue, status: .declined, at: now) else {
            throw ServiceError(.conflict, "offer \(id) was settled by another request")
        }
        let index = try await recorder.record(.decline(holder: holder, party: party, offer: id), at: now)
        return OfferDecision(offer: settled, ledgerIndex: index)
    }

    /// The party's offer `id`, in state `status` when one is named.
    private func partyOffer(_ id: String, party: PartyID, expecting status: OfferStatus?) async throws -> Offer {
        guard Offer.isID(id), let offer = try await stores.offers.offer(id), offer.partyID == party.rawValue else {
            throw ServiceError(.notFound, "no offer \(id) of yours")
        }
        if let status, offer.status != status {
            throw ServiceError(.conflict, "offer \(id) is \(offer.status.rawValue), not \(status.rawValue)")
        }
        return offer
    }
}
