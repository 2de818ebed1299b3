import Foundation
public import SignetMarket
import SignetCore

/// Registering holders and parties, and reading a party's public record.
///
/// Registration happens in two steps so the front end can prove possession of the key in
/// between: `new…` checks the input and makes the record without writing anything, and
/// `register` stores it.
extension SignetService {
    /// A new holder record for `publicKey`, not yet stored.
    /// - Throws: ``ServiceError`` `.invalidField` unless the key is a raw 32-byte Ed25519 key.
    public func newHolder(publicKey: [UInt8]) throws -> Holder {
        let key = try Self.validated(publicKey)
        return Holder(id: .random(using: configuration.random), publicKey: key, registeredAt: now)
    }

    /// A new pending party record, not yet stored.
    /// - Throws: ``ServiceError`` `.invalidField` for a bad key, name or contact.
    public func newParty(name: String, contact: String, publicKey: [UInt8]) throws -> Party {
        let key = try Self.validated(publicKey)
        // A holder's device shows the name before signing for the party: a bidirectional
        // override (U+202E), a zero-width character or an unassigned code point could make one
        // name read as another. Checked at registration only, so a stored record always loads.
        for (field, value) in [("name", name), ("contact", contact)] where value.unicodeScalars.contains(where: Self.misleads) {
            throw ServiceError(.invalidField, "\(field) must not contain format (bidirectional, zero-width), line or paragraph separator, space other than U+0020, private-use or unassigned characters")
        }
        do {
            return try Party(id: .random(using: configuration.random), name: name, contact: contact, publicKey: key,
                             status: .pending, registeredAt: now)
        } catch let error as MarketError {
            throw ServiceError(market: error)
        }
    }

    /// Charges one registration to `address`'s bucket, then to the bucket all addresses share,
    /// before any work is done for it. The address's own bucket goes first so that one flooding
    /// address spends only its own tokens, not everyone's.
    /// - Throws: ``ServiceError`` `.rateLimited` with the wait.
    public func admitRegistration(from address: String?) async throws {
        if let address {
            try await charge(RateBucket.registration(from: address), configuration.registrationRate, now: now, doing: "registrations from your address")
        }
        try await charge(RateBucket.allRegistrations, configuration.allRegistrationsRate, now: now, doing: "registrations on this server")
    }

    /// Stores a new holder.
    /// - Throws: ``ServiceError`` `.conflict` when the key is already registered.
    public func register(_ holder: Holder) async throws {
        try await Self.mappingMarketErrors { try await stores.identities.insert(holder) }
    }

    /// Stores a new party (pending until the operator approves it).
    /// - Throws: ``ServiceError`` `.conflict` when the key is already registered.
    public func register(_ party: Party) async throws {
        try await Self.mappingMarketErrors { try await stores.identities.insert(party) }
    }

    /// A party's public record, for any registered holder or party (a holder checks whom they
    /// are about to consent to).
    /// - Throws: ``ServiceError`` `.invalidField` for text that is no party id, `.notFound`.
    public func party(_ id: String) async throws -> Party {
        guard let partyID = PartyID(id) else {
            throw ServiceError(.invalidField, "not a party id (p_ followed by 22 base64url characters)")
        }
        guard let party = try await stores.identities.party(partyID) else {
            throw ServiceError(.notFound, "no such party")
        }
        return party
    }

    /// Whether a scalar can make a displayed name read as something else.
    static func misleads(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate: true
        // "Acme\u{00A0}Bank" must not pass for "Acme Bank".
        case .spaceSeparator: scalar != " "
        default: false
        }
    }

    static func validated(_ publicKey: [UInt8]) throws -> [UInt8] {
        do { return try validatedPublicKey(publicKey) } catch let error as MarketError { throw ServiceError(market: error) }
    }
}
