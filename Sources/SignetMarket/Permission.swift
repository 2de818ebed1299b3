public import SignetCore
import Crypto
public import Foundation

/// A holder's one-time permission for one party to verify one template, until it expires.
/// Until the market's offers and grants land (issue: market), this is how a holder consents.
///
/// Only the SHA-256 of the token is stored, so a database leak does not leak usable tokens.
public struct Permission: Sendable, Equatable {
    /// SHA-256 of the bearer token.
    public let tokenHash: [UInt8]
    /// The consenting holder.
    public let holderID: String
    /// The party allowed to verify.
    public let partyID: String
    /// The template it may verify against.
    public let templateID: TemplateID
    /// When it stops being usable.
    public let expiresAt: Date

    /// Creates a record.
    public init(tokenHash: [UInt8], holderID: String, partyID: String, templateID: TemplateID, expiresAt: Date) {
        self.tokenHash = tokenHash
        self.holderID = holderID
        self.partyID = partyID
        self.templateID = templateID
        self.expiresAt = expiresAt
    }

    /// SHA-256 of a token's bytes.
    public static func hash(token: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: token)) }
}

/// Storage of permissions (spent through ``VerificationAdmission``).
public protocol PermissionStorage: Sendable {
    /// Stores a new permission.
    func insert(_ permission: Permission) async throws
    /// Marks every unused permission for `templateID` used, so none of them can be spent.
    /// - Returns: how many were revoked.
    func revokeAll(templateID: TemplateID, now: Date) async throws -> Int
    /// Attaches `challenge` to the permission (replacing an earlier challenge) if it exists,
    /// matches `partyID` and `templateID`, is unexpired and unused.
    /// - Returns: whether the challenge was attached.
    func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: TemplateID, now: Date) async throws -> Bool
}
