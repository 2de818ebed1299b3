import SignetVault
import SignetAuth
public import Foundation
public import SignetCore
public import SignetMarket
import SignetWatch

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

/// A device-mode challenge as issued to the party.
public struct IssuedChallenge: Sendable, Equatable {
    /// The challenge (id, nonce, expiry).
    public let challenge: Challenge
    /// The permission's handle, which the holder's device signs along with the challenge.
    public let handle: String
}

/// A holder's own consent: a one-use grant without an offer, and the challenges that ride on grants.
extension SignetService {
    /// Grants `request.partyID` one verification of a template, without an offer, and logs
    /// `grant`: the holder's shortcut for a single check (a door, a desk), issued as the same
    /// consent token an accepted offer gives.
    /// - Throws: ``ServiceError`` `.holderOnly`, `.invalidField` (lifetime out of range), or
    ///   `.notFound` for an unknown template (or another holder's) or party.
    public func permit(_ request: PermissionRequest, as caller: PrincipalID) async throws -> IssuedGrant {
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
              let template = try await stores.templates.template(id: templateID, holderID: holder.rawValue) else {
            throw ServiceError(.notFound, "no such template")
        }
        try Self.requireUnlocked(template)
        guard let partyID = PartyID(request.partyID), let party = try await stores.identities.party(partyID) else {
            throw ServiceError(.notFound, "no such party")
        }
        let terms = GrantTerms(template: templateID, maxUses: 1, lifetimeSeconds: lifetime, retentionDays: 0,
                               purpose: "dpv:IdentityVerification", scope: "verify", offer: nil,
                               disclosable: ["purpose_text": .string("one verification the holder permitted")])
        return try await issueGrant(terms, holder: holder, party: party, now: now)
    }

    /// Starts a device-mode verification: a fresh challenge attached to the permission.
    ///
    /// Nothing is logged here: the `use` event is appended when the answer is verified. The
    /// party's bucket is charged, so challenges cannot be requested without limit.
    /// - Parameter token: the consent token presentation, with a fresh key-binding JWT.
    /// - Returns: the challenge, and the grant's handle that the holder's device signs.
    /// - Throws: ``ServiceError`` `.partyOnly`, `.partyNotApproved`, `.rateLimited` or `.invalidGrant`.
    public func challenge(token: String, as caller: PrincipalID) async throws -> IssuedChallenge {
        let party = try await requireApprovedParty(caller)
        let now = self.now
        try await chargeParty(party.id, now: now)
        watch.introduce(party)
        let tokenHash: [UInt8]
        do {
            tokenHash = try presentedGrant(token, party: party.id, now: now)
        } catch {
            watch.observe(Observation(.refused, party: party.id.rawValue, at: now))
            throw error
        }
        let challenge = Challenge.fresh(expiresAt: now.addingTimeInterval(configuration.challengeLifetime), using: configuration.random)
        let grant = try await storedGrant(tokenHash: tokenHash)
        guard let grant, try await stores.grants.attach(challenge, tokenHash: grant.tokenHash, partyID: party.id.rawValue,
                                                        templateID: grant.templateID, now: now)
        else {
            watch.observe(Observation(.refused, party: party.id.rawValue, subject: grant?.holderID, at: now))
            throw Self.invalidGrant
        }
        return IssuedChallenge(challenge: challenge, handle: grant.handle)
    }

    /// The permission a token hash names, from the store or, once read, from memory.
    ///
    /// Safe to keep: a permission's holder, party, template and expiry never change; whether it
    /// is spent or revoked is decided by the admission, which always reads the store. It spares
    /// a device-mode verification the read its challenge already made.
    func storedGrant(tokenHash: [UInt8]) async throws -> Grant? {
        if let cached = grantsByToken.get(tokenHash) { return cached }
        guard var grant = try await stores.grants.grant(tokenHash: tokenHash) else { return nil }
        grant.token = nil  // kept small: the verification path never needs the token text
        grantsByToken.put(tokenHash, grant)
        return grant
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

    /// A presentation that checks out but names no usable grant: used up, revoked or unknown alike.
    static var invalidGrant: ServiceError {
        ServiceError(.invalidGrant, "this consent token's grant has no use left (used up, revoked or expired)")
    }

    /// A rate-limit refusal with its wait.
    static func rateLimited(_ wait: TimeInterval, doing what: String = "verification attempts") -> ServiceError {
        ServiceError(.rateLimited, "too many \(what); retry later", retryAfter: wait)
    }
}
