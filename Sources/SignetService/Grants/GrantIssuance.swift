import Crypto
import Logging
import SignetLog
import SignetVault
public import Foundation
public import SignetCore
public import SignetMarket

/// A grant as issued: the consent token for the party, and the stored record.
public struct IssuedGrant: Sendable, Equatable {
    /// The consent token as issued (`<issuer JWT>~<disclosures>~`): the party appends a
    /// key-binding JWT to present it (``ConsentPresentation/present(_:audience:nonce:at:with:)``).
    public let token: String
    /// The stored grant.
    public let grant: Grant
    /// Where the `grant` event sits in the ledger (also the token's status-list index).
    public let ledgerIndex: UInt64

    /// What the party knows the holder's consent by.
    public var handle: String { grant.handle }
}

/// What a grant allows, as issuance needs it (from an accepted offer or a holder's permission).
struct GrantTerms {
    var template: TemplateID
    var maxUses: Int
    var lifetimeSeconds: Int
    var retentionDays: Int
    var purpose: String
    var scope: String
    var offer: Offer?
    /// The selectively disclosable claims (``ConsentToken``).
    var disclosable: [String: JSONValue]
}

/// Issuing grants and checking the consent tokens parties present: the one path by which any
/// party verifies any holder.
extension SignetService {
    /// Logs `grant`, then signs the consent token and stores the grant.
    ///
    /// Deliberate order: the ledger records the consent before it can be used. A failure
    /// after the append leaves a logged grant that was never usable, never the reverse.
    func issueGrant(_ terms: GrantTerms, holder: HolderID, party: Party, now: Date) async throws -> IssuedGrant {
        let secret = configuration.random.bytes(32)
        let tokenHash = Grant.hash(token: secret)
        let index = try await recorder.record(
            .grant(holder: holder, party: party.id, template: terms.template, uses: terms.maxUses, ttlSeconds: terms.lifetimeSeconds,
                   offer: terms.offer?.id, scope: terms.scope), at: now)
        let issuedAt = Int(now.timeIntervalSince1970.rounded(.down))
        let claims = ConsentClaims(
            iss: consentAudience, sub: Grant.handle(tokenHash: tokenHash), party_id: party.id.rawValue, iat: issuedAt,
            exp: issuedAt + terms.lifetimeSeconds, jti: Base64.encodeURL(secret), scope: terms.scope, purpose: terms.purpose,
            max_uses: terms.maxUses, retention_days: terms.retentionDays, ledger_index: Int(index), log_origin: ledger.verifier.name,
            protocol_id: terms.offer?.protocolID,
            status: .init(status_list: .init(idx: Int(index), uri: statusListURL)),
            cnf: .init(jwk: .init(ed25519: party.publicKey)))
        let token = try ConsentToken.issue(claims, disclosable: terms.disclosable, keyID: results.keyID, signingKey: results.privateKey,
                                           random: configuration.random)
        let grant = Grant(
            tokenHash: tokenHash, holderID: holder.rawValue, partyID: party.id.rawValue, templateID: terms.template,
            expiresAt: Date(timeIntervalSince1970: TimeInterval(claims.exp)), issuedAt: now, maxUses: terms.maxUses,
            statusIndex: Int(index), offerID: terms.offer?.id, purpose: terms.purpose, token: token)
        try await stores.grants.insert(grant)
        try await refuseIfLockedDown(grant, holder: holder, now: now)
        return IssuedGrant(token: token, grant: grant, ledgerIndex: index)
    }

    /// Revokes a grant whose template changed under the request that made it, and refuses the
    /// request.
    ///
    /// The template was unlocked when the request checked it, but since then a lockdown may
    /// have revoked the holder's grants before this one was stored, or a renewal may have
    /// replaced the template and revoked the grants made before it. Both change the template
    /// before they revoke, so whenever their revocation missed this grant, this read (after the
    /// insert) sees the change: the template locked, or renewed after the grant was issued.
    /// If the read fails, the grant is revoked all the same; if that fails too (the database
    /// is gone), the grant stands, and the operator is told at `critical` with its handle.
    private func refuseIfLockedDown(_ grant: Grant, holder: HolderID, now: Date) async throws {
        let template: StoredTemplate?
        do {
            template = try await stores.templates.template(id: grant.templateID)
        } catch {
            do {
                _ = try await stores.grants.revoke(tokenHash: grant.tokenHash, holderID: holder.rawValue, cause: .lockdown, now: now)
                statusListCache.clear()
            } catch {
                configuration.logger.critical("a grant made while its template could not be read was not revoked; revoke it by hand if its holder locked down",
                                              metadata: ["grant": "\(grant.handle)"])
            }
            throw error
        }
        let locked = template?.lockedAt != nil
        // A millisecond's slack: a time read back from the store may differ from the one written
        // in its last bits (seconds since 1970 in the store, since 2001 in `Date`), and an
        // enrollment in the same instant as the grant is no renewal.
        let renewed = template.map { $0.updatedAt.timeIntervalSince(grant.issuedAt ?? now) > 0.001 } ?? true
        guard locked || renewed else { return }
        if let revoked = try await stores.grants.revoke(tokenHash: grant.tokenHash, holderID: holder.rawValue, cause: locked ? .lockdown : .renewal, now: now),
           let party = PartyID(revoked.partyID) {
            statusListCache.clear()
            try await recorder.record(.revoke(holder: holder, party: party, grant: revoked.handle), at: now)
        }
        throw ServiceError(.conflict, locked
            ? "the holder locked down while this grant was being made; it was revoked at once"
            : "the template was renewed while this grant was being made; it was revoked at once, ask again")
    }

    /// The longest presentation read (the API's `ConsentToken` schema says the same): a
    /// Signet token with its key-binding JWT is under 3,000 characters.
    static let maximumPresentationLength = 16_384

    /// The `iss` of every consent token and the `aud` every key-binding JWT must name: the
    /// ledger's origin, which names this deployment.
    public var consentAudience: String { ledger.verifier.name }

    /// Where the grants' status list is published.
    public var statusListURL: String { publicURL.current + "/v1/status-lists/grants" }

    /// The key of the grant a party's presentation names, once the presentation checks out:
    /// issued by this server to this party, unexpired, every disclosure referenced, and bound
    /// to the party's key by a fresh key-binding JWT for this server over exactly this
    /// presentation. Whether the grant still has a use (or was revoked) is the admission's to
    /// decide, from the store.
    /// - Throws: ``ServiceError`` `.invalidGrant`, saying what is wrong with the presentation;
    ///   `.invalidField` for one longer than ``maximumPresentationLength``.
    func presentedGrant(_ text: String, party: PartyID, now: Date) throws -> [UInt8] {
        guard text.utf8.count <= Self.maximumPresentationLength else {
            throw ServiceError(.invalidField, "consent_token is at most \(Self.maximumPresentationLength) characters")
        }
        guard let presentation = ConsentPresentation(text) else {
            throw ServiceError(.invalidGrant, "token must be a consent token presentation: <issuer JWT>~<disclosures>~<key-binding JWT>")
        }
        do {
            // The token part is the same each time the party presents it; the key binding is not.
            let key = String(presentation.sdJWTText)
            let token: VerifiedConsentToken
            if let cached = consentTokens.get(key) {
                token = cached
            } else {
                token = try presentation.verifiedToken(issuerKey: results.publicKey, issuer: consentAudience)
                consentTokens.put(key, token)
            }
            let claims = token.claims
            guard claims.party_id == party.rawValue else {
                throw ConsentTokenError("this consent token was issued to another party")
            }
            try presentation.verifyKeyBinding(of: token, audience: consentAudience, now: now, freshness: configuration.keyBindingFreshness)
            guard let secret = Base64.decodeURL(claims.jti), secret.count == 32 else {
                throw ConsentTokenError("the consent token's jti is malformed")
            }
            return Grant.hash(token: secret)
        } catch let error as ConsentTokenError {
            throw ServiceError(.invalidGrant, error.reason)
        }
    }
}
