import SignetLog
import Crypto
import Foundation
import SignetCore
public import SignetMarket
import SignetVault
import SignetWatch

/// What a party asks to verify. The consent token alone says which grant (and so which
/// template) the attempt is under: a party never names, and never learns, a template.
public enum VerificationRequest: Sendable, Equatable {
    /// Probe mode: the server matches the party's fresh probe against the permitted template.
    case probe(token: String, probe: EmbeddingInput)
    /// Device mode: the holder's device signed the challenge with its template key.
    case device(token: String, challengeID: String, signature: String)
}

/// A verification's answer, released only once its `use` event is durable.
public struct VerificationOutcome: Sendable, Equatable {
    /// The claims, as signed.
    public let claims: VerificationClaims
    /// The compact JWS of ``claims`` under the result key.
    public let result: String
}

/// Verification under a grant: rate-limited per party and per template, and the
/// `use` event appended to the ledger before the signed answer is released.
extension SignetService {
    /// Verifies, logs `use`, and signs the answer.
    /// - Throws: ``ServiceError`` `.partyOnly`, `.partyNotApproved`, `.invalidField` (a
    ///   malformed device signature), `.rateLimited`, `.invalidGrant`, `.invalidChallenge`,
    ///   `.notFound` (template deleted since) or an embedding code.
    public func verify(_ request: VerificationRequest, nonce: String? = nil, as caller: PrincipalID) async throws -> VerificationOutcome {
        let approved = try await requireApprovedParty(caller)
        let party = approved.id
        watch.introduce(approved)
        if let nonce {
            guard (1...128).contains(nonce.utf8.count), nonce.utf8.allSatisfy(Self.isNonceByte) else {
                throw ServiceError(.invalidField, "nonce must be 1 to 128 characters of A-Z, a-z, 0-9, '-', '_', '.' or '~'")
            }
        }
        let now = self.now
        let mode: VerificationMode
        let outcome: (grant: Grant, template: TemplateID, match: Bool)
        switch request {
        case .probe(let token, let probe):
            mode = .probe
            let probe = try probe.checked()
            try checkBeforeAdmission(probe)
            outcome = try await verifyProbe(probe, tokenHash: try await presented(token, party: party, now: now), party: party, now: now)
        case .device(let token, let challengeID, let signature):
            mode = .device
            guard let signature = Base64.decodeURL(signature), signature.count == 64 else {
                throw ServiceError(.invalidField, "signature must be 64 bytes in base64url without padding")
            }
            outcome = try await verifyDevice(signature, challengeID: challengeID, tokenHash: try await presented(token, party: party, now: now),
                                             party: approved, now: now)
        }
        guard let holder = HolderID(outcome.grant.holderID) else {
            throw ServiceError(.corruptRecord, "a stored grant names no holder")
        }
        // Log before release: the answer exists only once its event is durable in the ledger.
        let index = try await recorder.record(
            .use(holder: holder, party: party, template: outcome.template, mode: mode, match: outcome.match), at: now)
        let claims = VerificationClaims(
            match: outcome.match, ledger_index: Int(index), log_origin: ledger.verifier.name, sub: outcome.grant.handle,
            party_id: party.rawValue, mode: mode.rawValue, iat: Int(now.timeIntervalSince1970),
            exp: Int(now.timeIntervalSince1970 + configuration.resultLifetime), jti: Base64.encodeURL(configuration.random.bytes(16)), nonce: nonce)
        return VerificationOutcome(claims: claims, result: try await results.sign(claims))
    }

    /// The characters a result nonce may hold (RFC 3986 unreserved).
    static func isNonceByte(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || [0x2D, 0x2E, 0x5F, 0x7E].contains(byte)
    }

    /// The grant key of a presentation (``presentedGrant(_:party:now:)``); a refused
    /// presentation is charged to the party like any refused attempt.
    private func presented(_ token: String, party: PartyID, now: Date) async throws -> [UInt8] {
        do {
            return try presentedGrant(token, party: party, now: now)
        } catch {
            watch.observe(Observation(.refused, party: party.rawValue, at: now))
            try await chargeParty(party, now: now)
            throw error
        }
    }

    /// Probe mode: the server decodes the party's probe against the template.
    private func verifyProbe(_ probe: [Float], tokenHash: [UInt8], party: PartyID, now: Date)
        async throws -> (grant: Grant, template: TemplateID, match: Bool) {
        // Checked before the grant is spent: a template whose profile is not loaded, or a
        // probe its profile cannot use, costs the party an attempt but not the holder's consent.
        let (grant, id, _, prepared) = try await admit(tokenHash: tokenHash, challengeID: nil, party: party, now: now) { id in
            let template = try await protectedTemplate(id)
            guard let scheme = vault.scheme(for: template) else {
                throw ServiceError(.vaultProfileMissing, "the template was enrolled under a vault profile this server has not loaded; the holder renews it, or the operator loads that profile with another --vault-profile")
            }
            try Self.requireDimension(probe, of: scheme)
            return (template: template, scheme: scheme)
        }
        // The watch keeps a keyed fingerprint of the probe, never the probe (replays, honey marks).
        if let centred = vault.prepared(probe) {
            watch.observe(Observation(.probe(fingerprint: watch.fingerprinter.fingerprint(centred)), party: party.rawValue,
                                      subject: grant.holderID, at: now))
        }
        do {
            let accepted = try await VaultWork.run { try prepared.scheme.verify(probe: probe, against: prepared.template) == .accepted }
            return (grant, id, accepted)
        } catch let error as VaultError where error.code == .authenticationFailure {
            return (grant, id, false)
        } catch let error as VaultError {
            throw ServiceError(vault: error) ?? error
        }
    }

    /// Refuses, before a grant is spent, a probe no loaded profile can use: one of no
    /// profile's dimension, or one that is the zero vector after every such profile's centring.
    private func checkBeforeAdmission(_ probe: [Float]) throws {
        let candidates = vault.profiles.indices.filter { vault.profiles[$0].dimension == probe.count }
        guard !candidates.isEmpty else {
            let expected = Set(vault.profiles.map(\.dimension)).sorted().map(String.init).joined(separator: " or ")
            throw ServiceError(.wrongDimension, "the probe has dimension \(probe.count); this server's vault profiles take \(expected.isEmpty ? "none (no profile is loaded)" : expected)")
        }
        guard vault.usable(probe) else {
            throw ServiceError(.zeroVector, "the probe is the zero vector after centring")
        }
    }

    /// Device mode: the server only checks the device's signature against the template's public key.
    private func verifyDevice(_ signature: [UInt8], challengeID: String, tokenHash: [UInt8], party: Party,
                              now: Date) async throws -> (grant: Grant, template: TemplateID, match: Bool) {
        let (grant, id, nonce, _) = try await admit(tokenHash: tokenHash, challengeID: challengeID, party: party.id, now: now) { _ in }
        guard let nonce else { throw ServiceError(.corruptRecord, "the admitted challenge has no nonce") }
        // The stored key column spares reading and parsing the helper matrix; older rows fall back.
        let publicKey: [UInt8]
        if let stored = try await stores.templates.publicKey(id: id) {
            publicKey = stored
        } else {
            publicKey = try await protectedTemplate(id).publicKey
        }
        let message = Challenge.message(id: challengeID, nonce: Base64.encodeURL(nonce), partyID: party.id.rawValue, partyName: party.name,
                                        handle: grant.handle)
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            throw ServiceError(.corruptRecord, "the stored template has an unusable public key")
        }
        return (grant, id, key.isValidSignature(signature, for: message))
    }

    /// Charges the rate limits and spends the grant in one step (``VerificationAdmission``).
    ///
    /// The party's bucket is charged for every attempt. Deliberate: the template's bucket is
    /// charged only for permitted attempts, so a party without consent cannot exhaust it and
    /// lock the holder's legitimate verifications out; an attempt refused by the template's
    /// limit leaves its grant unspent, to be retried after `retryAfter`.
    ///
    /// The token names the grant, and the grant its template. A token that names no
    /// grant is charged to the party and refused, exactly as a spent or expired one.
    ///
    /// `beforeSpending` runs once the token is known to be this party's and before anything is
    /// spent; what it throws refuses the attempt (charged to the party) and leaves the
    /// grant unspent.
    private func admit<Prepared>(tokenHash: [UInt8], challengeID: String?, party: PartyID, now: Date,
                                 beforeSpending: (TemplateID) async throws -> Prepared)
        async throws -> (Grant, TemplateID, challengeNonce: [UInt8]?, Prepared) {
        let refusal = challengeID == nil ? Self.invalidGrant
            : ServiceError(.invalidChallenge, "this grant has no use left, or carries no such unexpired challenge for this party")
        guard let stored = try await storedGrant(tokenHash: tokenHash), stored.partyID == party.rawValue,
              stored.expiresAt > now else {
            watch.observe(Observation(.refused, party: party.rawValue, at: now))
            try await chargeParty(party, now: now)
            throw refusal
        }
        let prepared: Prepared
        do {
            prepared = try await beforeSpending(stored.templateID)
        } catch let error as ServiceError where error.code == .notFound {
            // A deleted template answers like any dead grant: the party learns nothing of it.
            try await chargeParty(party, now: now)
            throw refusal
        } catch {
            try await chargeParty(party, now: now)
            throw error
        }
        let attempt = VerificationAttempt(
            tokenHash: stored.tokenHash, partyID: party.rawValue, templateID: stored.templateID, challengeID: challengeID,
            partyRate: configuration.partyRate, templateRate: configuration.templateRate, now: now)
        switch try await stores.grants.admit(attempt) {
        case .admitted(let grant, let nonce):
            return (grant, stored.templateID, nonce, prepared)
        case .partyLimited(let wait), .templateLimited(let wait):
            throw Self.rateLimited(wait)
        case .refused:
            watch.observe(Observation(.refused, party: party.rawValue, subject: stored.holderID, at: now))
            throw refusal
        }
    }

    /// The stored template, parsed; a template deleted since the grant was granted is `.notFound`.
    ///
    /// Probe mode reads the 32-byte public key first and parses the helper data (n² floats: 1 MiB
    /// at n = 512, plus its integrity hash) only when that version is not cached yet.
    private func protectedTemplate(_ id: TemplateID) async throws -> ProtectedTemplate {
        let key = try await stores.templates.publicKey(id: id)
        if let key, let cached = parsedTemplates.get(TemplateVersion(id: id, publicKey: key)) {
            return cached
        }
        guard let stored = try await stores.templates.template(id: id) else {
            throw ServiceError(.notFound, "no such template")
        }
        let template = try ProtectedTemplate(serializedBytes: stored.bytes)
        // Cached only when the row's key column names exactly this content (rows written before
        // the column existed have none and are parsed every time).
        if let storedKey = stored.publicKey, storedKey == template.publicKey {
            parsedTemplates.put(TemplateVersion(id: id, publicKey: storedKey), template)
        }
        return template
    }
}
