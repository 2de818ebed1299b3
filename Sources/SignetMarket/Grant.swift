public import SignetCore
import Crypto
public import Foundation

/// A holder's grant: one party may use the holder's signature (one template) for a purpose,
/// up to a number of uses, until it expires or is revoked.
///
/// A grant comes from an accepted offer, or from the holder alone (`permit`: one verification,
/// no offer). Either way the party holds a consent token (``ConsentToken``) whose `jti` is the
/// grant's 32-byte secret. The grant is keyed by the secret's SHA-256; the token as issued is
/// stored too, for its party to fetch (`GET /v1/parties/me/grants`). A leaked token is useless
/// on its own: every presentation needs a key-binding JWT by the party's key and rides in a
/// request the party signed.
public struct Grant: Sendable, Equatable {
    /// SHA-256 of the token's `jti` bytes: the grant's key.
    public let tokenHash: [UInt8]
    /// The consenting holder.
    public let holderID: String
    /// The party allowed to use it.
    public let partyID: String
    /// The template it may verify against.
    public let templateID: TemplateID
    /// When it stops being usable.
    public let expiresAt: Date
    /// When the holder issued it; `nil` where a store does not read it back.
    public let issuedAt: Date?
    /// How many uses it allows in all.
    public var maxUses: Int
    /// How many it has had (as last read).
    public var uses: Int
    /// Its index in the status list: the ledger index of its `grant` event; `nil` for
    /// permissions stored before grants had tokens.
    public var statusIndex: Int?
    /// The accepted offer it came from; `nil` for a holder's own one-use permission.
    public var offerID: String?
    /// The DPV purpose.
    public var purpose: String?
    /// The consent token as issued (`…~`), for the party to fetch; `nil` for older rows.
    public var token: String?
    /// When the holder (or a template change) revoked it; `nil` while not revoked.
    public var revokedAt: Date?
    /// Who stopped it, when revoked; `nil` for a revocation by a template change (and for rows
    /// revoked before causes were kept).
    public var revokedBy: RevocationCause?

    /// Creates a record.
    public init(tokenHash: [UInt8], holderID: String, partyID: String, templateID: TemplateID, expiresAt: Date, issuedAt: Date? = nil,
                maxUses: Int = 1, uses: Int = 0, statusIndex: Int? = nil, offerID: String? = nil, purpose: String? = nil,
                token: String? = nil, revokedAt: Date? = nil, revokedBy: RevocationCause? = nil) {
        self.tokenHash = tokenHash
        self.holderID = holderID
        self.partyID = partyID
        self.templateID = templateID
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.maxUses = maxUses
        self.uses = uses
        self.statusIndex = statusIndex
        self.offerID = offerID
        self.purpose = purpose
        self.token = token
        self.revokedAt = revokedAt
        self.revokedBy = revokedBy
    }

    /// Where it stands at `now`.
    public func state(at now: Date) -> GrantState {
        if revokedAt != nil { return revokedBy == .watch ? .suspended : .revoked }
        if uses >= maxUses { return .usedUp }
        if expiresAt <= now { return .expired }
        return .active
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

/// Where a grant stands.
public enum GrantState: String, Sendable, Equatable, Codable {
    /// Usable.
    case active
    /// Every use spent.
    case usedUp = "used_up"
    /// Past its expiry.
    case expired
    /// Revoked by the holder, a lockdown, or a renewal or deletion of its template.
    case revoked
    /// Frozen by the watch: its party was caught in a breach pattern (SUSPENDED in the status list).
    case suspended
}

/// Who stopped a grant, kept because a party's record counts only its holders' own revocations.
public enum RevocationCause: String, Sendable, Equatable, CaseIterable {
    /// The holder revoked this grant.
    case holder
    /// The holder locked everything down (``GrantStorage/revokeAll(_:cause:now:)``).
    case lockdown
    /// The watch froze every grant of a party caught in a breach pattern.
    case watch
    /// The template was renewed while the grant was being made (a renewal's own bulk
    /// revocation names no cause). Like a lockdown's, it says nothing about the party.
    case renewal
}

/// Whose grants a bulk revocation stops.
public enum GrantOwner: Sendable, Equatable {
    /// Every grant a holder gave.
    case holder(String)
    /// Every grant a party holds.
    case party(String)
}

/// The status-list indices of stopped grants (see ``GrantStorage/statusIndices()``).
public struct StatusIndices: Sendable, Equatable {
    /// Revoked grants: INVALID.
    public var revoked: [Int]
    /// Grants the watch froze: SUSPENDED.
    public var suspended: [Int]
    /// The highest index any grant has (`-1` without grants).
    public var highest: Int

    /// Creates the indices.
    public init(revoked: [Int], suspended: [Int], highest: Int) {
        self.revoked = revoked
        self.suspended = suspended
        self.highest = highest
    }
}

/// Storage of grants (spent through ``VerificationAdmission``).
public protocol GrantStorage: Sendable {
    /// Stores a new grant.
    func insert(_ grant: Grant) async throws
    /// The grant whose token hashes to `tokenHash`, used or not, expired or not.
    func grant(tokenHash: [UInt8]) async throws -> Grant?
    /// The holder's grants, newest first, without their consent tokens (``Grant/token`` is
    /// `nil`): the token is the party's, and leaving the text out keeps a long list cheap.
    func grants(holderID: String) async throws -> [Grant]
    /// The party's grants, newest first.
    func grants(partyID: String) async throws -> [Grant]
    /// Revokes the holder's unrevoked grant for `cause`: a compare-and-set, so it happens once.
    /// - Returns: the grant as revoked, or `nil` when the holder has no such unrevoked grant.
    func revoke(tokenHash: [UInt8], holderID: String, cause: RevocationCause, now: Date) async throws -> Grant?
    /// The status-list indices of every revoked and every frozen grant, and the highest index
    /// any grant has (`-1` without grants): the list must cover every token issued, on every instance.
    func statusIndices() async throws -> StatusIndices
    /// How many grants holders made to the party, and how many of those the holders revoked
    /// themselves (revocations by a template's renewal or deletion are not counted).
    func record(partyID: String) async throws -> (grants: Int, revocations: Int)
    /// Revokes every usable grant for `templateID` issued before `issuedBefore`, so none of them
    /// can be spent (one stored without an issue time counts as issued before).
    /// - Returns: how many were revoked.
    func revokeAll(templateID: TemplateID, issuedBefore: Date, now: Date) async throws -> Int
    /// Stops every unrevoked grant of `owner` at once (a lockdown, or the watch freezing a
    /// party), charged to `cause`.
    /// - Returns: the grants as stopped.
    func revokeAll(_ owner: GrantOwner, cause: RevocationCause, now: Date) async throws -> [Grant]
    /// Attaches `challenge` to the grant (replacing an earlier challenge) if it exists, matches
    /// `partyID` and `templateID`, is unexpired, unrevoked and has a use left.
    /// - Returns: whether the challenge was attached.
    func attach(_ challenge: Challenge, tokenHash: [UInt8], partyID: String, templateID: TemplateID, now: Date) async throws -> Bool
}
