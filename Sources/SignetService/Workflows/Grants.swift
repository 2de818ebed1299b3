import Crypto
public import Foundation
import SignetCore
import SignetLog
import SignetVault
public import SignetMarket

/// One line of a holder's earnings statement: an accepted offer's price and the uses made of it.
public struct EarningsLine: Sendable, Equatable {
    /// The grant's handle.
    public let handle: String
    /// The offer.
    public let offerID: String
    /// The party.
    public let partyID: String
    /// The agreed price.
    public let price: OfferTerms.Price
    /// Uses so far, of how many.
    public let uses: Int
    /// The most uses allowed.
    public let maxUses: Int
    /// When the holder accepted.
    public let acceptedAt: Date?
}

/// The market's second half: accepting offers into grants, the holder's and the party's view of
/// them, revocation, receipts, the status list and the earnings statement.
extension SignetService {
    /// Accepts a pending offer: a grant with the offer's terms, its consent token for the party
    /// and a `grant` event naming the offer.
    /// - Parameter templateID: the template the party may verify; `nil` takes the holder's only one.
    /// - Throws: ``ServiceError`` `.holderOnly`; `.notFound` (no such offer of the caller's, or
    ///   template); `.conflict` (decided already, lapsed, a suspended party, a named attribute
    ///   no attester vouched for, no template or several); `.invalidField` (malformed template id).
    public func accept(offer id: String, templateID: String? = nil, as caller: PrincipalID) async throws -> IssuedGrant {
        let holder = try requireHolder(caller)
        let now = self.now
        guard Offer.isID(id), let offer = try await stores.offers.offer(id), offer.holderID == holder.rawValue,
              let partyID = PartyID(offer.partyID) else {
            throw ServiceError(.notFound, "no offer \(id) for you")
        }
        // An offer accepted by a request that failed before its grant was made is accepted
        // again (see ``unfinishedAcceptance(_:now:)``); any other decided offer is closed.
        let resuming = offer.counter == nil ? try await unfinishedAcceptance(offer, now: now) : false
        guard offer.status == .pending || resuming else { throw ServiceError(.conflict, "offer \(id) is \(offer.status.rawValue) already") }
        guard offer.terms.expiresAt > now || resuming else { throw ServiceError(.conflict, "offer \(id) lapsed unanswered; ask the party for a new one") }
        guard offer.terms.scope != .templateTransfer else { throw ServiceError(.conflict, "offer \(id) asks for the template itself") }
        let disclosable = try await disclosures(for: offer.terms, holder: holder)
        let template = try await grantedTemplate(templateID, holder: holder)
        guard let party = try await stores.identities.party(partyID), party.status == .approved else {
            throw ServiceError(.conflict, "the party that made offer \(id) is suspended; it cannot receive grants")
        }
        let accepted: Offer
        if resuming {
            accepted = offer
        } else {
            guard let decided = try await stores.offers.decide(id, holderID: holder.rawValue, status: .accepted, at: now) else {
                throw ServiceError(.conflict, "offer \(id) was decided by another request")
            }
            accepted = decided
        }
        let terms = accepted.terms
        let grant = GrantTerms(
            template: template, maxUses: terms.maxUses, lifetimeSeconds: terms.validityDays * 86_400, retentionDays: terms.retentionDays,
            purpose: terms.purpose, scope: terms.scope.kind, offer: accepted, disclosable: disclosable)
        return try await issueGrant(grant, holder: holder, party: party, now: now)
    }

    /// Whether `offer` was accepted (by its holder, or its counter by its party) more than a
    /// minute ago and no grant came of it: the accepting request failed after its
    /// compare-and-set and before the grant was stored. The minute leaves a slow request in
    /// flight to finish first, so a retry does not make a second grant.
    func unfinishedAcceptance(_ offer: Offer, now: Date) async throws -> Bool {
        guard offer.status == .accepted, let decided = offer.decidedAt, now.timeIntervalSince(decided) > 60 else { return false }
        return try await !stores.grants.grants(holderID: offer.holderID).contains { $0.offerID == offer.id }
    }

    /// The template a grant covers: the named one, which must be the caller's, or their only
    /// one; never one a lockdown marked for renewal.
    func grantedTemplate(_ text: String?, holder: HolderID) async throws -> TemplateID {
        let id: TemplateID
        if let text {
            guard let named = TemplateID(text) else { throw ServiceError(.invalidField, "template_id is not a template id") }
            id = named
        } else {
            let templates = try await stores.templates.templateIDs(holderID: holder.rawValue)
            guard templates.count == 1 else {
                throw ServiceError(.conflict, templates.isEmpty
                    ? "you have no enrolled template to grant uses of; enroll one first"
                    : "you have \(templates.count) templates; name the one to grant with template_id")
            }
            id = templates[0]
        }
        guard let template = try await stores.templates.template(id: id, holderID: holder.rawValue) else {
            throw ServiceError(.notFound, "no such template")
        }
        try Self.requireUnlocked(template)
        return id
    }

    /// Refuses a template a lockdown marked for renewal: consent given before the lockdown
    /// is gone, and none may be given on helper data that may have leaked.
    static func requireUnlocked(_ template: StoredTemplate) throws {
        guard template.lockedAt == nil else {
            throw ServiceError(.conflict, "template \(template.id) is locked down; renew it from a fresh sample before granting uses of it")
        }
    }

    /// The caller's grants, newest first.
    /// - Throws: ``ServiceError`` `.holderOnly`.
    public func holderGrants(as caller: PrincipalID) async throws -> [Grant] {
        try await stores.grants.grants(holderID: try requireHolder(caller).rawValue)
    }

    /// The calling party's grants, newest first, each with its consent token.
    /// - Throws: ``ServiceError`` `.partyOnly`.
    public func partyGrants(as caller: PrincipalID) async throws -> [Grant] {
        guard let party = PartyID(caller) else { throw ServiceError(.partyOnly, "only a party has grants to fetch") }
        return try await stores.grants.grants(partyID: party.rawValue)
    }

    /// Revokes one of the caller's grants at once (its next use is refused on every instance),
    /// marks it INVALID in the status list and logs `revoke`.
    /// - Throws: ``ServiceError`` `.holderOnly`, `.notFound` (no such grant of the caller's),
    ///   `.conflict` (revoked already).
    public func revoke(grant handle: String, as caller: PrincipalID) async throws -> (grant: Grant, ledgerIndex: UInt64) {
        let holder = try requireHolder(caller)
        let now = self.now
        guard let grant = try await holderGrant(handle, holder: holder), let party = PartyID(grant.partyID) else {
            throw ServiceError(.notFound, "no grant \(handle) of yours")
        }
        guard let revoked = try await stores.grants.revoke(tokenHash: grant.tokenHash, holderID: holder.rawValue, cause: .holder, now: now) else {
            throw ServiceError(.conflict, "grant \(handle) is revoked already")
        }
        statusListCache.clear()
        let index = try await recorder.record(.revoke(holder: holder, party: party, grant: handle), at: now)
        return (revoked, index)
    }

    /// The consent receipt of one of the caller's grants, with the ledger proof of its entry.
    /// - Throws: ``ServiceError`` `.holderOnly`, `.notFound`, `.conflict` (the grant's entry is not
    ///   in a checkpoint yet: retry in a moment).
    public func receipt(grant handle: String, as caller: PrincipalID) async throws -> ReceiptBundle {
        let holder = try requireHolder(caller)
        guard let grant = try await holderGrant(handle, holder: holder), let index = grant.statusIndex,
              let partyID = PartyID(grant.partyID), let party = try await stores.identities.party(partyID) else {
            throw ServiceError(.notFound, "no grant \(handle) of yours with a receipt")
        }
        let offer = try await grant.offerID.asyncMap { try await stores.offers.offer($0) } ?? nil
        let receipt = ConsentReceipt(grant: grant, offer: offer, party: party, protocolURL: publicURL.current + "/v1/protocol",
                                     origin: ledger.verifier.name, now: now)
        let proof: TlogProof
        do {
            proof = try await ledger.proof(index: UInt64(index))
        } catch let error as LogError where error.code == .invalidArgument {
            throw ServiceError(.conflict, "the grant's ledger entry is not in a signed checkpoint yet; retry in a second")
        }
        return ReceiptBundle(receipt: receipt, proof: proof.text, entry: try await ledger.entry(at: UInt64(index)))
    }

    /// The caller's earnings statement: every grant from an accepted offer, its price and its uses.
    /// A statement only: Signet moves no money.
    /// - Throws: ``ServiceError`` `.holderOnly`.
    public func earnings(as caller: PrincipalID) async throws -> [EarningsLine] {
        let grants = try await holderGrants(as: caller)
        // The holder's offers in one read, not one read per grant (a grant's offer is always
        // one of its holder's).
        let offers = Dictionary(try await stores.offers.offers(holderID: try requireHolder(caller).rawValue).map { ($0.id, $0) },
                                uniquingKeysWith: { first, _ in first })
        var lines: [EarningsLine] = []
        for grant in grants {
            guard let offerID = grant.offerID, let offer = offers[offerID] else { continue }
            // A grant from a counter has the counter's terms.
            lines.append(EarningsLine(handle: grant.handle, offerID: offerID, partyID: grant.partyID, price: (offer.counter?.terms ?? offer.terms).price,
                                      uses: grant.uses, maxUses: grant.maxUses, acceptedAt: grant.issuedAt))
        }
        return lines
    }

    /// The grants' Token Status List as a signed JWT (`typ` `statuslist+jwt`): every revoked
    /// grant's index INVALID, every grant the watch froze SUSPENDED, the rest VALID, covering
    /// every grant issued on any instance.
    ///
    /// Kept for 10 seconds (the route is public and the list grows with the ledger), and dropped
    /// at once when this instance revokes; the token's `ttl` tells relying parties 60 seconds.
    public func statusListToken() async throws -> String {
        let now = self.now
        if let cached = statusListCache.current(at: now) { return cached }
        let indices = try await stores.grants.statusIndices()
        let size = indices.highest + 1
        let issuedAt = Int(now.timeIntervalSince1970.rounded(.down))
        let claims = GrantStatusList.Claims(
            sub: statusListURL, iat: issuedAt, exp: issuedAt + 24 * 3600, ttl: GrantStatusList.timeToLive,
            status_list: .init(bits: GrantStatusList.bits, lst: try GrantStatusList.encode(GrantStatusList.bytes(size: size, revoked: indices.revoked, suspended: indices.suspended))))
        let token = try CompactJWS.sign(header: ["typ": .string("statuslist+jwt"), "kid": .string(results.keyID)],
                                        payload: Array(JSONEncoder().encode(claims)), with: results.privateKey)
        statusListCache.store(token, at: now)
        return token
    }

    /// The caller's grant with `handle`, or `nil`.
    private func holderGrant(_ handle: String, holder: HolderID) async throws -> Grant? {
        try await stores.grants.grants(holderID: holder.rawValue).first { $0.handle == handle }
    }
}

extension Optional {
    /// The async `map`.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
