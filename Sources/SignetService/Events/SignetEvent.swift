public import SignetCore
public import SignetMarket

/// Everything Signet records in the ledger, each case with its typed details.
///
/// A holder's event is written under a fresh pseudonym with a salted commitment to
/// ``details`` (see `LedgerEvent`); only the holder can open it. An operator's event about a
/// party names the party in clear and commits to nothing secret.
public enum SignetEvent: Sendable, Equatable {
    /// A holder enrolled a template.
    case enroll(holder: HolderID, template: TemplateID)
    /// A holder renewed a template from a fresh sample; its outstanding grants died with the old one.
    case renew(holder: HolderID, template: TemplateID)
    /// A holder deleted a template; its outstanding grants died with it.
    case delete(holder: HolderID, template: TemplateID)
    /// A holder granted a party `uses` verifications of a template within `ttlSeconds`, by
    /// accepting `offer` or (without one) by a permission of their own.
    case grant(holder: HolderID, party: PartyID, template: TemplateID, uses: Int, ttlSeconds: Int, offer: String? = nil, scope: String = "verify")
    /// A party used a grant: one verification, and whether it matched.
    case use(holder: HolderID, party: PartyID, template: TemplateID, mode: VerificationMode, match: Bool)
    /// The operator approved a party: it may verify holders who consent.
    case approveParty(PartyID)
    /// The operator (or, later, the trust protocol) suspended a party.
    case suspendParty(PartyID)
    /// A party made an offer to a holder (through a trade code), and the protocol let it through.
    case offer(holder: HolderID, party: PartyID, offer: String)
    /// A holder countered an offer with other terms.
    case counter(holder: HolderID, party: PartyID, offer: String)
    /// A holder declined an offer (or its party declined the holder's counter).
    case decline(holder: HolderID, party: PartyID, offer: String)
    /// An attester vouched for an attribute of a holder (who handed it a trade code); the
    /// details commit to the name and the value.
    case attest(holder: HolderID, party: PartyID, name: String, value: JSONValue)
    /// The operator appointed a party an attester.
    case appointAttester(PartyID)
    /// A holder locked everything down: every grant revoked, pending offers refused, every
    /// template marked for renewal. The details commit to the counts.
    case lockdown(holder: HolderID, grants: Int, offers: Int, templates: Int)
    /// A holder revoked a grant (named by its handle, which only the holder and the party know).
    case revoke(holder: HolderID, party: PartyID, grant: String)
    /// A holder replaced their key; the details commit to the new key's SHA-256.
    case rotateKey(holder: HolderID, newKeyHash: [UInt8])
    /// The operator revoked a holder's key.
    case revokeHolderKey(HolderID)
    /// The operator revoked a party's key.
    case revokePartyKey(PartyID)
    /// The operator proposed or activated a trust protocol version (logged in clear, naming
    /// neither a holder nor a party).
    case protocolChange(LedgerEvent.ProtocolChange)
    /// The watch found a breach pattern involving a party (logged in clear with its rule, no
    /// holder named).
    case finding(party: PartyID, rule: String)

    /// The ledger entry's `type`.
    public var kind: LedgerEvent.Kind {
        switch self {
        case .enroll: .enroll
        case .renew: .renew
        case .delete: .delete
        case .grant: .grant
        case .use: .use
        case .approveParty: .approve
        case .suspendParty: .suspend
        case .offer: .offer
        case .decline: .decline
        case .counter: .counter
        case .revoke: .revoke
        case .lockdown: .lockdown
        case .finding: .finding
        case .attest: .attest
        case .appointAttester: .appoint
        case .protocolChange: .protocolChange
        case .rotateKey: .rotateKey
        case .revokeHolderKey: .revokeKey
        case .revokePartyKey: .revokePartyKey
        }
    }

    /// The holder the event is about, if any.
    public var holder: HolderID? {
        switch self {
        case .enroll(let holder, _), .renew(let holder, _), .delete(let holder, _): holder
        case .grant(let holder, _, _, _, _, _, _), .use(let holder, _, _, _, _): holder
        case .revoke(let holder, _, _), .attest(let holder, _, _, _): holder
        case .rotateKey(let holder, _), .revokeHolderKey(let holder), .lockdown(let holder, _, _, _): holder
        case .offer(let holder, _, _), .decline(let holder, _, _), .counter(let holder, _, _): holder
        case .approveParty, .suspendParty, .revokePartyKey, .protocolChange, .appointAttester, .finding: nil
        }
    }

    /// The template the event is about, if any.
    public var template: TemplateID? {
        switch self {
        case .enroll(_, let template), .renew(_, let template), .delete(_, let template): template
        case .grant(_, _, let template, _, _, _, _), .use(_, _, let template, _, _): template
        case .revoke, .attest, .appointAttester, .lockdown, .finding: nil
        case .approveParty, .suspendParty, .rotateKey, .revokeHolderKey, .revokePartyKey, .offer, .decline, .counter, .protocolChange: nil
        }
    }

    /// The party involved, named in clear in the entry.
    public var party: PartyID? {
        switch self {
        case .enroll, .renew, .delete, .rotateKey, .revokeHolderKey, .protocolChange, .lockdown: nil
        case .grant(_, let party, _, _, _, _, _), .use(_, let party, _, _, _), .revoke(_, let party, _), .attest(_, let party, _, _), .appointAttester(let party), .approveParty(let party), .suspendParty(let party),
             .revokePartyKey(let party), .offer(_, let party, _), .decline(_, let party, _), .counter(_, let party, _), .finding(let party, _): party
        }
    }

    /// The details a holder's entry commits to (canonical JSON; the wire format of the activity API).
    public var details: JSONValue {
        switch self {
        case .enroll(_, let template), .renew(_, let template), .delete(_, let template):
            .object(["template": .string(template.rawValue)])
        case .grant(_, _, let template, let uses, let ttl, let offer, let scope):
            .object(["template": .string(template.rawValue), "scope": .string(scope), "uses": .number(Double(uses)), "ttl": .number(Double(ttl))]
                .merging(offer.map { ["offer": .string($0)] } ?? [:]) { $1 })
        case .revoke(_, _, let handle):
            .object(["grant": .string(handle)])
        case .lockdown(_, let grants, let offers, let templates):
            .object(["grants": .number(Double(grants)), "offers": .number(Double(offers)), "templates": .number(Double(templates))])
        case .use(_, _, let template, let mode, let match):
            .object(["template": .string(template.rawValue), "mode": .string(mode.rawValue), "match": .bool(match)])
        case .approveParty(let party), .suspendParty(let party), .revokePartyKey(let party), .appointAttester(let party):
            .object(["party": .string(party.rawValue)])
        case .finding(let party, let rule):
            .object(["party": .string(party.rawValue), "rule": .string(rule)])
        case .attest(_, let party, let name, let value):
            .object(["attester": .string(party.rawValue), "name": .string(name), "value": value])
        case .rotateKey(_, let newKeyHash):
            .object(["key_sha256": .string(Base64.encodeURL(newKeyHash))])
        case .revokeHolderKey:
            .object(["by": .string("operator")])
        case .offer(_, _, let offer), .decline(_, _, let offer), .counter(_, _, let offer):
            .object(["offer": .string(offer)])
        case .protocolChange(let change):
            .object(["version": .number(Double(change.version)), "content_id": .string(change.content_id), "stage": .string(change.stage)])
        }
    }
}

/// How a verification was answered.
public enum VerificationMode: String, Sendable, Equatable {
    /// The party sent a probe embedding and the server matched it.
    case probe
    /// The holder's device signed a challenge with its template key.
    case device
}
