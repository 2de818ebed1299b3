public import Foundation

/// Persistence of holders and parties; SignetStore implements it for SQLite and PostgreSQL.
///
/// Implementations MUST refuse a second registration of the same public key with
/// ``MarketError`` `.conflict`, so one key always names one principal.
public protocol IdentityStorage: Sendable {
    /// Stores a new holder.
    func insert(_ holder: Holder) async throws
    /// Stores a new party.
    func insert(_ party: Party) async throws
    /// The holder with `id`, or `nil`.
    func holder(_ id: HolderID) async throws -> Holder?
    /// The party with `id`, or `nil`.
    func party(_ id: PartyID) async throws -> Party?
    /// Changes a party's status at `date`; returns the updated party, or `nil` when unknown.
    /// The first approval stamps ``Party/approvedAt``; later ones keep it.
    func setStatus(_ status: PartyStatus, of id: PartyID, at date: Date) async throws -> Party?
    /// Parties, optionally only those with `status`, oldest first.
    func parties(status: PartyStatus?) async throws -> [Party]
    /// The principal's public key while it may sign requests: `nil` when the principal is
    /// unknown or its key was revoked.
    func activeKey(of principal: PrincipalID) async throws -> [UInt8]?
    /// Replaces the principal's active key `old` with `new`: a compare-and-set, `false` when
    /// `old` is not (or no longer) its active key.
    /// - Throws: ``MarketError`` `.conflict` when `new` is registered already.
    func replaceKey(of principal: PrincipalID, from old: [UInt8], to new: [UInt8]) async throws -> Bool
    /// Revokes the principal's key, so it signs nothing any more; `false` when the principal is
    /// unknown or its key is revoked already.
    func revokeKey(of principal: PrincipalID, at date: Date) async throws -> Bool
}
