import SignetVault
import SignetAuth
public import Foundation
public import SignetCore
public import SignetMarket

/// A holder's request to let one party verify one template once.
public struct PermissionRequest: Sendable, Equatable {
    /// The template the party may verify against.
    public var templateID: String
    /// The party, by its id text.
    public var partyID: String
    /// Lifetime in seconds; `nil` takes the configured default.
    public var lifetimeSeconds: Int?

    /// Creates a request.
    public init(templateID: String, partyID: String, lifetimeSeconds: Int? = nil) {
        self.templateID = templateID
        self.partyID = partyID
        self.lifetimeSeconds = lifetimeSeconds
    }
}

/// A permission as issued: the bearer token is shown once, only its hash is stored.
public struct IssuedPermission: Sendable, Equatable {
    /// The 32-byte bearer token for the party: all it needs, and all it is given.
    public let token: [UInt8]
    /// What the party will know this consent by (``Grant/handle``): the results and
    /// challenges it gets name this, never the template or the holder.
    public let handle: String
    /// The template.
    public let templateID: TemplateID
    /// The party.
    public let partyID: PartyID
    /// When it stops being usable.
    public let expiresAt: Date
    /// Where the `grant` event sits in the ledger.
    public let ledgerIndex: UInt64
}

/// A device-mode challenge as issued to the party.
public struct IssuedChallenge: Sendable, Equatable {
    /// The challenge (id, nonce, expiry).
    public let challenge: Challenge
    /// The permission's handle, which the holder's device signs along with the challenge.
    public let handle: String
}

/// Consent until the market lands: one-time permissions, and challenges that ride on them.
extension SignetService {
    /// Issues a one-time permission and logs `grant`.
    /// - Throws: ``ServiceError`` `.holderOnly`, `.invalidField` (lifetime out of range), or
    ///   `.notFound` for an unknown template (or another holder's) or party.
    public func permit(_ request: PermissionRequest, as caller: PrincipalID) async throws -> IssuedPermission {
        let holder = try requireHolder(caller)
        let lifetime = request.lifetimeSeconds ?? configuration.defaultPermissionLifetime
        let range = configuration.permissionLifetimes
        guard range.contains(lifetime) else {
            throw ServiceError(.invalidField, "ttl_seconds must be between \(range.lowerBound) and \(range.upperBound)")
        }
        // Charged after the check a client can get wrong for free, before the store reads.
        try await charge(RateBucket.permission(holder.rawValue), configuration.permissionRate, now: now, doing: "permissions")
        // Deliberate: another holder's template, an unknown one and text that is no id get the same answer.
        guard let templateID = TemplateID(request.templateID),
              try await stores.templates.template(id: templateID, holderID: holder.rawValue) != nil else {
            throw ServiceError(.notFound, "no such template")
        }
        guard let partyID = PartyID(request.partyID), try await stores.identities.party(partyID) != nil else {
            throw ServiceError(.notFound, "no such party")
        }
        let now = self.now
        let token = configuration.random.bytes(32)
        let expiry = now.addingTimeInterval(TimeInterval(lifetime))
        let permission = Grant(
            tokenHash: Grant.hash(token: token), holderID: holder.rawValue, partyID: partyID.rawValue,
            templateID: templateID, expiresAt: expiry, issuedAt: now)
        try await stores.grants.insert(permission)
        let index = try await recorder.record(
            .grant(holder: holder, party: partyID, template: templateID, uses: 1, ttlSeconds: lifetime), at: now)
        return IssuedPermission(token: token, handle: permission.handle, templateID: templateID, partyID: partyID, expiresAt: expiry,
                                ledgerIndex: index)
    }

    /// Starts a device-mode verification: a fresh challenge attached to the permission.
    ///
    /// Nothing is logged here: the `use` event is appended when the answer is verified. The
    /// party's bucket is charged, so challenges cannot be requested without limit.
    /// - Parameter token: the permission token in base64url, as the party holds it.
    /// - Returns: the challenge, and the permission's handle that the holder's device signs.
    /// - Throws: ``ServiceError`` `.partyOnly`, `.partyNotApproved`, `.rateLimited` or `.invalidGrant`.
    public func challenge(token: String, as caller: PrincipalID) async throws -> IssuedChallenge {
        let party = try await requireApprovedParty(caller)
        let now = self.now
        try await chargeParty(party.id, now: now)
        let challenge = Challenge.fresh(expiresAt: now.addingTimeInterval(configuration.challengeLifetime), using: configuration.random)
        guard let token = Self.permissionToken(token),
              let permission = try await storedGrant(tokenHash: Grant.hash(token: token)),
              try await stores.grants.attach(challenge, tokenHash: permission.tokenHash, partyID: party.id.rawValue,
                                                  templateID: permission.templateID, now: now)
        else {
            throw Self.invalidGrant
        }
        return IssuedChallenge(challenge: challenge, handle: permission.handle)
    }

    /// The permission a token hash names, from the store or, once read, from memory.
    ///
    /// Safe to keep: a permission's holder, party, template and expiry never change; whether it
    /// is spent or revoked is decided by the admission, which always reads the store. It spares
    /// a device-mode verification the read its challenge already made.
    func storedGrant(tokenHash: [UInt8]) async throws -> Grant? {
        if let cached = grantsByToken.get(tokenHash) { return cached }
        guard let permission = try await stores.grants.permission(tokenHash: tokenHash) else { return nil }
        grantsByToken.put(tokenHash, permission)
        return permission
    }

    /// Takes one token from the party's bucket, or throws `.rateLimited` with the wait.
    func chargeParty(_ party: PartyID, now: Date) async throws {
        try await charge(RateBucket.party(party.rawValue), configuration.partyRate, now: now, doing: "verification attempts")
    }

    /// Takes one token from `bucket`, shared through the database by every instance, or throws
    /// `.rateLimited` with the wait.
    func charge(_ bucket: String, _ rate: RateLimit, now: Date, doing what: String) async throws {
        if let wait = try await stores.rateLimits.take(bucket: bucket, capacity: rate.burst, perSecond: rate.perSecond, now: now) {
            throw Self.rateLimited(wait, doing: what)
        }
    }

    /// The 32 token bytes of a permission token's text; `nil` for anything else.
    static func permissionToken(_ text: String) -> [UInt8]? {
        guard let token = Base64.decodeURL(text), token.count == 32 else { return nil }
        return token
    }

    /// Any unusable token: unknown, spent, expired or malformed alike.
    static var invalidGrant: ServiceError {
        ServiceError(.invalidGrant, "no unused, unexpired permission for this party with this token")
    }

    /// A rate-limit refusal with its wait.
    static func rateLimited(_ wait: TimeInterval, doing what: String = "verification attempts") -> ServiceError {
        ServiceError(.rateLimited, "too many \(what); retry later", retryAfter: wait)
    }
}
