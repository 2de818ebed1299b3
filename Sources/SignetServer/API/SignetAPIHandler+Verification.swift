import Crypto
import Foundation
import HTTPTypes
import SignetAPI
import SignetCore
import SignetLog
import SignetMarket
import SignetVault

/// `POST /v1/permissions` (holder) and `POST /v1/verifications` (party).
///
/// A verification consumes a one-time permission, is rate-limited per party and per template,
/// and appends its `use` event to the ledger before the signed answer is released.
extension SignetAPIHandler {
    func createPermission(_ input: Operations.CreatePermission.Input) async throws -> Operations.CreatePermission.Output {
        let (services, recorder, _) = try api()
        let holder = try holder()
        let request = switch input.body { case .json(let body): body }
        let ttl = Int(request.ttlSeconds ?? 600)
        guard (60...86_400).contains(ttl) else {
            throw Problem(.badRequest, code: "invalid_field", detail: "ttl_seconds must be between 60 and 86400")
        }
        // Deliberate: another holder's template and an unknown one get the same 404.
        guard try await services.templates.template(id: request.templateId, holderID: holder.rawValue) != nil else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
        }
        guard let partyID = PrincipalID(request.partyId), partyID.kind == .party, try await services.identities.party(partyID) != nil else {
            throw Problem(.notFound, code: "not_found", detail: "no such party")
        }
        let now = services.configuration.now()
        let token = randomBytes(32)
        let expiry = now.addingTimeInterval(TimeInterval(ttl))
        try await services.permissions.insert(Permission(
            tokenHash: Permission.hash(token: token), holderID: holder.rawValue, partyID: partyID.rawValue,
            templateID: request.templateId, expiresAt: expiry))
        let index = try await recorder.record(
            .grant, holderID: holder.rawValue, party: partyID.rawValue,
            details: .object(["template": .string(request.templateId), "scope": .string("verify"), "uses": .number(1), "ttl": .number(Double(ttl))]),
            at: now)
        return .created(.init(body: .json(.init(
            token: Base64.encodeURL(token), templateId: request.templateId, partyId: partyID.rawValue,
            expiresAt: expiry, ledgerIndex: Int64(index)))))
    }

    func createVerification(_ input: Operations.CreateVerification.Input) async throws -> Operations.CreateVerification.Output {
        let (services, recorder, _) = try api()
        let partyID = try await approvedParty()
        let now = services.configuration.now()
        let templateID: String
        let mode: String
        let outcome: (permission: Permission, match: Bool)
        switch input.body {
        case .json(.probe(let request)):
            (templateID, mode) = (request.templateId, "probe")
            let probe = try EmbeddingCheck.values(request.probe)
            outcome = try await verifyProbe(probe, token: try Self.token(request.permissionToken), templateID: templateID, partyID: partyID, now: now)
        case .json(.device(let request)):
            (templateID, mode) = (request.templateId, "device")
            guard let signature = Base64.decodeURL(request.signature), signature.count == 64 else {
                throw Problem(.badRequest, code: "invalid_field", detail: "signature must be 64 bytes in base64url without padding")
            }
            outcome = try await verifyDevice(signature, challengeID: request.challengeId, token: try Self.token(request.permissionToken),
                                             templateID: templateID, partyID: partyID, now: now)
        }
        // Log before release: the answer exists only once its event is durable in the ledger.
        let index = try await recorder.record(
            .use, holderID: outcome.permission.holderID, party: partyID.rawValue,
            details: .object(["template": .string(templateID), "mode": .string(mode), "match": .bool(outcome.match)]), at: now)
        let claims = VerificationClaims(
            match: outcome.match, ledger_index: Int(index), log_origin: ledger.verifier.name, template_id: templateID,
            party_id: partyID.rawValue, mode: mode, iat: Int(now.timeIntervalSince1970))
        return .ok(.init(body: .json(.init(result: try await services.results.sign(claims)))))
    }

    /// The 32 token bytes; any other token is as unknown as a spent one.
    static func token(_ text: String) throws -> [UInt8] {
        guard let token = Base64.decodeURL(text), token.count == 32 else {
            throw Problem(.forbidden, code: "invalid_permission", detail: "no unused, unexpired permission of this holder for this party and template")
        }
        return token
    }

    /// Probe mode: the server decodes the party's probe against the template.
    private func verifyProbe(_ probe: [Float], token: [UInt8], templateID: String, partyID: PrincipalID, now: Date) async throws -> (permission: Permission, match: Bool) {
        let (services, _, _) = try api()
        let (permission, _) = try await admit(token: token, templateID: templateID, challengeID: nil, partyID: partyID, now: now, services: services)
        let template = try await protectedTemplate(templateID, services: services)
        do {
            return (permission, try services.vault.scheme.verify(probe: probe, against: template) == .accepted)
        } catch let error as VaultError where error.code == .authenticationFailure {
            return (permission, false)
        } catch let error as VaultError {
            guard let problem = ErrorMapping.problem(for: error) else { throw error }
            throw problem
        }
    }

    /// Charges the rate limits and spends the permission in one step (``VerificationAdmission``).
    ///
    /// The party's bucket is charged for every attempt. Deliberate: the template's bucket is
    /// charged only for permitted attempts, so a party without consent cannot exhaust it and
    /// lock the holder's legitimate verifications out; an attempt refused by the template's
    /// limit leaves its permission unspent, to be retried after `Retry-After`.
    private func admit(token: [UInt8], templateID: String, challengeID: String?, partyID: PrincipalID, now: Date,
                       services: APIServices) async throws -> (Permission, challengeNonce: [UInt8]?) {
        let attempt = VerificationAttempt(
            tokenHash: Permission.hash(token: token), partyID: partyID.rawValue, templateID: templateID, challengeID: challengeID,
            partyRate: services.configuration.partyRate, templateRate: services.configuration.templateRate, now: now)
        switch try await services.permissions.admit(attempt) {
        case .admitted(let permission, let nonce):
            return (permission, nonce)
        case .partyLimited(let wait), .templateLimited(let wait):
            throw Self.rateLimited(wait)
        case .refused where challengeID != nil:
            throw Problem(.forbidden, code: "invalid_challenge", detail: "no unused, unexpired permission carrying this unexpired challenge for this party and template")
        case .refused:
            throw Problem(.forbidden, code: "invalid_permission", detail: "no unused, unexpired permission of this holder for this party and template")
        }
    }

    /// Device mode: the holder's device signed the challenge with the template's codeword-derived
    /// key; the server only checks that signature against the template's public key.
    private func verifyDevice(_ signature: [UInt8], challengeID: String, token: [UInt8], templateID: String, partyID: PrincipalID, now: Date) async throws -> (permission: Permission, match: Bool) {
        let (services, _, _) = try api()
        let (permission, nonce) = try await admit(token: token, templateID: templateID, challengeID: challengeID, partyID: partyID, now: now, services: services)
        guard let nonce else { throw Problem(.internalServerError, code: "internal", detail: "the admitted challenge has no nonce") }
        // The stored key column spares reading and parsing the helper matrix; older rows fall back.
        let publicKey: [UInt8]
        if let stored = try await services.templates.publicKey(id: templateID) {
            publicKey = stored
        } else {
            publicKey = try await protectedTemplate(templateID, services: services).publicKey
        }
        let message = Challenge.message(id: challengeID, nonce: Base64.encodeURL(nonce))
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            throw Problem(.internalServerError, code: "internal", detail: "the stored template has an unusable public key")
        }
        return (permission, key.isValidSignature(signature, for: message))
    }

    /// The stored template, parsed; a template deleted since the permission was granted is 404.
    ///
    /// Probe mode reads the 32-byte public key first and parses the helper data (n² floats: 1 MiB
    /// at n = 512, plus its integrity hash) only when that version is not cached yet.
    private func protectedTemplate(_ id: String, services: APIServices) async throws -> ProtectedTemplate {
        let key = try await services.templates.publicKey(id: id)
        if let key, let cached = parsedTemplates.get(TemplateVersion(id: id, publicKey: key)) {
            return cached
        }
        guard let stored = try await services.templates.template(id: id) else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
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
