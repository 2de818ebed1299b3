import Crypto
public import Foundation
public import SignetCore
public import SignetMarket

/// Attested attributes: the operator appoints attesters; an attester vouches for an attribute
/// of a holder who handed it a trade code; an offer may ask for named attributes, and its grant
/// discloses those and nothing else.
extension SignetService {
    /// Names an attribute may not have: the consent token's claims in the clear (a disclosure
    /// may not repeat one).
    static let reservedAttributeNames: Set<String> = [
        "iss", "sub", "party_id", "iat", "exp", "jti", "scope", "purpose", "max_uses", "retention_days", "ledger_index", "log_origin",
        "protocol_id", "status", "cnf", "purpose_text", "price",
    ]

    /// Appoints an approved party an attester; logged as `appoint`.
    /// - Throws: ``ServiceError`` `.invalidField`, `.notFound`, `.conflict` (not approved, or an attester already).
    public func appointAttester(party id: String) async throws -> StandingChange {
        guard let partyID = PartyID(id) else { throw ServiceError(.invalidField, "\(id) is not a party id (p_…)") }
        guard let party = try await stores.identities.party(partyID) else { throw ServiceError(.notFound, "no party \(id)") }
        guard party.status == .approved else { throw ServiceError(.conflict, "only an approved party can be an attester") }
        let now = self.now
        guard try await stores.attributes.appoint(partyID: partyID.rawValue, at: now) else {
            throw ServiceError(.conflict, "\(id) is an attester already")
        }
        return StandingChange(party: party, ledgerIndex: try await recorder.record(.appointAttester(partyID), at: now))
    }

    /// An attester vouches for `name: value` of the holder of `tradeCode` (handing it the code is
    /// the holder's consent; the code is spent); logged as `attest`, the value committed under
    /// the holder's secret.
    /// - Throws: ``ServiceError`` `.partyOnly`, `.partyNotApproved`, `.notAttester`,
    ///   `.invalidField` (name or value), `.notFound` (an unknown, spent or expired code).
    public func attest(tradeCode: String, name: String, value: JSONValue, as caller: PrincipalID) async throws -> (attribute: Attribute, ledgerIndex: UInt64) {
        let party = try await requireApprovedParty(caller)
        guard try await stores.attributes.isAttester(partyID: party.id.rawValue) else {
            throw ServiceError(.notAttester, "the operator has not appointed this party an attester")
        }
        guard Attribute.isName(name), !Self.reservedAttributeNames.contains(name) else {
            throw ServiceError(.invalidField, "name must be 1 to 64 characters of a-z, 0-9 and _, starting with a letter, and not a token claim's name")
        }
        guard Attribute.isValue(value) else { throw ServiceError(.invalidField, "value must be true, false or text of 1 to 256 characters") }
        let now = self.now
        try await chargeParty(party.id, now: now)
        guard tradeCode.hasPrefix("tc_"), let bytes = Base64.decodeURL(tradeCode.dropFirst(3)), bytes.count == 16,
              let holderText = try await stores.offers.redeem(codeHash: Array(SHA256.hash(data: bytes)), now: now),
              let holder = HolderID(holderText) else {
            throw ServiceError(.notFound, "no such trade code (unknown, already used or expired)")
        }
        let attribute = Attribute(id: "a_" + Base64.encodeURL(configuration.random.bytes(16)), holderID: holder.rawValue, name: name, value: value,
                                  attesterID: party.id.rawValue, attestedAt: now)
        try await stores.attributes.insert(attribute)
        let index = try await recorder.record(.attest(holder: holder, party: party.id, name: name, value: value), at: now)
        return (attribute, index)
    }

    /// The caller's attributes.
    /// - Throws: ``ServiceError`` `.holderOnly`.
    public func holderAttributes(as caller: PrincipalID) async throws -> [Attribute] {
        try await stores.attributes.attributes(holderID: try requireHolder(caller).rawValue)
    }

    /// The disclosures of a grant with `terms`: the purpose in the party's words, the price, and
    /// for an attribute offer each named attribute (the latest attested), nothing else.
    /// - Throws: ``ServiceError`` `.conflict` when the holder lacks a named attribute.
    func disclosures(for terms: OfferTerms, holder: HolderID) async throws -> [String: JSONValue] {
        var disclosable: [String: JSONValue] = [
            "purpose_text": .string(terms.purposeText),
            "price": .object(["amount_minor": .number(Double(terms.price.minorUnits)), "currency": .string(terms.price.currency)]),
        ]
        if case .attributes(let names) = terms.scope {
            let held = try await stores.attributes.attributes(holderID: holder.rawValue)
            for name in names {
                guard let latest = held.filter({ $0.name == name }).max(by: { $0.attestedAt < $1.attestedAt }) else {
                    throw ServiceError(.conflict, "no attester has vouched for your \(name); the offer cannot be granted")
                }
                disclosable[name] = .object(["value": latest.value, "attester": .string(latest.attesterID)])
            }
        }
        return disclosable
    }
}
