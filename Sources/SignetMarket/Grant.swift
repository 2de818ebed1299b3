public import SignetCore
import Crypto
public import Foundation

/// A holder's one-time permission for one party to verify one template, until it expires.
/// Until the market's offers and grants land (issue: market), this is how a holder consents.
///
/// Only the SHA-256 of the token is stored, so a database leak does not leak usable tokens.
public struct Grant: Sendable, Equatable {
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
    /// When the holder issued it; `nil` where a store does not read it back.
    public let issuedAt: Date?

    /// Creates a record.
    public init(tokenHash: [UInt8], holderID: String, partyID: String, templateID: TemplateID, expiresAt: Date, issuedAt: Date? = nil) {
        self.tokenHash = tokenHash
        self.holderID = holderID
        self.partyID = partyID
        self.templateID = templateID
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
    }

    /// SHA-256 of a token's bytes.
    public static func hash(token: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: token)) }

    /// The permission's handle: what its party, and only its party, knows the holder's consent
    /// by (`g_` and 16 bytes in base64url).
    ///
    /// Deliberate: a party never learns a template id or a holder id. Two parties holding
    /// permissions for the same template get unrelated handles, so nothing Signet gives them
    /// links the two. The handle is derived from the stored token hash (domain-separated), so
    /// it needs no column of its own and reveals nothing about the token.
    public var handle: String { Self.handle(tokenHash: tokenHash) }

    /// The handle of the permission whose token hashes to `tokenHash`.
    public static func handle(tokenHash: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array("signet-permission-handle-v1\n".utf8))
        hasher.update(data: tokenHash)
        return "g_" + Base64.encodeURL(Array(hasher.finalize().prefix(16)))
    }
}

/// Storage of permissions (spent through ``VerificationAdmission``).
public protocol GrantStorage: Sendable {
    /// Stores a new permission.
    func insert(_ permission: Grant) async throws
    /// The permission whose token hashes to `tokenHash`, used or not, expired or not.
    func permission(tokenHash: [UInt8]) async throws -> Grant?
    /// Marks every unused permission for `templateID` issued before `issuedBefore` used, so none
    /// of them can be spent (one stored without an issue time counts as issued before).
    /// - Returns: how many were revoked.
    func revokeAll(templateID: TemplateID, issuedBefore: Date, now: Date) async throws -> Int
    /// Attaches `challenge` to the permission (replacing an earlier challenge) if it exists,
    /// matches `partyID` and `templateID`, is unexpired and unused.
    /// - Returns: whether the challenge was attached.
    func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: TemplateID, now: Date) async throws -> Bool
}
