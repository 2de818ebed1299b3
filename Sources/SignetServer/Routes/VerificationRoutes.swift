import Crypto
import Foundation
import Hummingbird
import SignetCore
import SignetLog
import SignetMarket
import SignetVault

/// `POST /v1/permissions` (holder) and `POST /v1/verifications` (party), plus the result key set.
///
/// A verification consumes a one-time permission, is rate-limited per party and per template,
/// and appends its `use` event to the ledger before the signed answer is released.
struct VerificationRoutes: Sendable {
    let services: APIServices
    let authenticator: RequestAuthenticator
    let ledger: Ledger
    let recorder: EventRecorder

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("/v1/permissions") { request, _ in try await createPermission(request) }
        router.post("/v1/challenges") { request, _ in try await createChallenge(request) }
        router.post("/v1/verifications") { request, _ in try await verify(request) }
        router.get("/.well-known/jwks.json") { _, _ in
            let data = try JSONSerialization.data(withJSONObject: services.results.jwks, options: [.sortedKeys])
            return Response(status: .ok, headers: [.contentType: "application/jwk-set+json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    private struct PermissionRequest: Decodable {
        let template_id: String
        let party_id: String
        let ttl_seconds: Int?
    }

    func createPermission(_ request: Request) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: services.configuration.maximumBodySize)
        let signature = try await authenticator.authenticate(request, body: body)
        guard let holder = PrincipalID(signature.keyID), holder.kind == .holder else {
            throw Problem(.forbidden, code: "holder_only", detail: "only a holder may grant a permission")
        }
        _ = try StrictJSONObject(body, allowed: ["template_id", "party_id", "ttl_seconds"])
        guard let wire = try? JSONDecoder().decode(PermissionRequest.self, from: Data(body)) else {
            throw Problem(.badRequest, code: "invalid_field", detail: "template_id and party_id are required strings; ttl_seconds an integer")
        }
        let ttl = wire.ttl_seconds ?? 600
        guard (60...86_400).contains(ttl) else {
            throw Problem(.badRequest, code: "invalid_field", detail: "ttl_seconds must be between 60 and 86400")
        }
        // Deliberate: another holder's template and an unknown one get the same 404.
        guard try await services.templates.template(id: wire.template_id, holderID: holder.rawValue) != nil else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
        }
        guard let partyID = PrincipalID(wire.party_id), partyID.kind == .party, try await services.identities.party(partyID) != nil else {
            throw Problem(.notFound, code: "not_found", detail: "no such party")
        }
        let now = services.configuration.now()
        let token = randomBytes(32)
        let expiry = now.addingTimeInterval(TimeInterval(ttl))
        try await services.permissions.insert(Permission(
            tokenHash: Permission.hash(token: token), holderID: holder.rawValue, partyID: partyID.rawValue,
            templateID: wire.template_id, expiresAt: expiry))
        let index = try await recorder.record(
            .grant, holderID: holder.rawValue, party: partyID.rawValue,
            details: .object(["template": .string(wire.template_id), "scope": .string("verify"), "uses": .number(1), "ttl": .number(Double(ttl))]),
            at: now)
        return try RequestBody.json(.created, [
            "token": .string(Base64.encodeURL(token)), "template_id": .string(wire.template_id), "party_id": .string(partyID.rawValue),
            "expires_at": .string(ISO8601DateFormatter().string(from: expiry)), "ledger_index": .number(Double(index)),
        ])
    }

    /// Both modes' fields, decoded in one strict pass; which ones must be present depends on `mode`.
    private struct VerificationRequest: Decodable {
        let mode: String
        let template_id: String
        let permission_token: String
        let challenge_id: String?
        let signature: String?
        let probe: EmbeddingBody.Wire?

        init(from decoder: any Decoder) throws {
            let container = try StrictJSONKeys.container(
                decoder, allowed: ["mode", "template_id", "permission_token", "probe", "challenge_id", "signature"])
            do {
                mode = try container.decode(String.self, forKey: .init("mode"))
                template_id = try container.decode(String.self, forKey: .init("template_id"))
                permission_token = try container.decode(String.self, forKey: .init("permission_token"))
                challenge_id = try container.decodeIfPresent(String.self, forKey: .init("challenge_id"))
                signature = try container.decodeIfPresent(String.self, forKey: .init("signature"))
            } catch {
                throw Problem(.badRequest, code: "invalid_field", detail: "mode, template_id and permission_token are required strings; challenge_id and signature strings")
            }
            do {
                probe = try container.decodeIfPresent(EmbeddingBody.Wire.self, forKey: .init("probe"))
            } catch let problem as Problem {
                throw problem
            } catch {
                throw Problem(.badRequest, code: "invalid_field", detail: "\"probe\" must be an object")
            }
        }
    }

    func verify(_ request: Request) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: services.configuration.maximumBodySize)
        let signature = try await authenticator.authenticate(request, body: body)
        let partyID = try await approvedParty(signature)
        let wire = try StrictJSONKeys.decode(VerificationRequest.self, from: body)
        guard let token = Base64.decodeURL(wire.permission_token), token.count == 32 else {
            throw Problem(.forbidden, code: "invalid_permission", detail: "no unused, unexpired permission of this holder for this party and template")
        }
        let now = services.configuration.now()
        let outcome: (permission: Permission, match: Bool)
        switch wire.mode {
        case "probe":
            guard wire.challenge_id == nil, wire.signature == nil, let probeWire = wire.probe else {
                throw Problem(.badRequest, code: "invalid_field", detail: "probe mode takes a probe, not challenge_id or signature")
            }
            let probe = try EmbeddingBody(probeWire)
            outcome = try await verifyProbe(probe.values, token: token, templateID: wire.template_id, partyID: partyID, now: now)
        case "device":
            guard let challengeID = wire.challenge_id, let answer = wire.signature, wire.probe == nil else {
                throw Problem(.badRequest, code: "invalid_field", detail: "device mode takes challenge_id and signature, not a probe")
            }
            guard let signatureBytes = Base64.decodeURL(answer), signatureBytes.count == 64 else {
                throw Problem(.badRequest, code: "invalid_field", detail: "signature must be 64 bytes in base64url without padding")
            }
            outcome = try await verifyDevice(signatureBytes, challengeID: challengeID, token: token, templateID: wire.template_id, partyID: partyID, now: now)
        default:
            throw Problem(.badRequest, code: "invalid_field", detail: "mode must be \"probe\" or \"device\"")
        }
        // Log before release: the answer exists only once its event is durable in the ledger.
        let index = try await recorder.record(
            .use, holderID: outcome.permission.holderID, party: partyID.rawValue,
            details: .object(["template": .string(wire.template_id), "mode": .string(wire.mode), "match": .bool(outcome.match)]), at: now)
        let claims = VerificationClaims(
            match: outcome.match, ledger_index: Int(index), log_origin: ledger.verifier.name, template_id: wire.template_id,
            party_id: partyID.rawValue, mode: wire.mode, iat: Int(now.timeIntervalSince1970))
        return try RequestBody.json(.ok, ["result": .string(try await services.results.sign(claims))])
    }

    /// Probe mode: the server decodes the party's probe against the template.
    private func verifyProbe(_ probe: [Float], token: [UInt8], templateID: String, partyID: PrincipalID, now: Date) async throws -> (permission: Permission, match: Bool) {
        try await limit("party:\(partyID.rawValue)", services.configuration.partyRate, now: now)
        guard let permission = try await services.permissions.consume(
            tokenHash: Permission.hash(token: token), partyID: partyID.rawValue, templateID: templateID, now: now)
        else {
            throw Problem(.forbidden, code: "invalid_permission", detail: "no unused, unexpired permission of this holder for this party and template")
        }
        // Deliberate: the template's bucket is charged only for permitted attempts, so a party
        // without consent cannot exhaust it and lock the holder's legitimate verifications out.
        try await limit("template:\(templateID)", services.configuration.templateRate, now: now)
        let template = try await protectedTemplate(templateID)
        do {
            return (permission, try services.vault.scheme.verify(probe: probe, against: template) == .accepted)
        } catch let error as VaultError where error.code == .authenticationFailure {
            return (permission, false)
        } catch let error as VaultError {
            guard let problem = ErrorMapping.problem(for: error) else { throw error }
            throw problem
        }
    }

    /// Device mode: the holder's device signed the challenge with the template's codeword-derived
    /// key; the server only checks that signature against the template's public key.
    private func verifyDevice(_ signature: [UInt8], challengeID: String, token: [UInt8], templateID: String, partyID: PrincipalID, now: Date) async throws -> (permission: Permission, match: Bool) {
        try await limit("party:\(partyID.rawValue)", services.configuration.partyRate, now: now)
        guard let (permission, nonce) = try await services.permissions.consume(
            tokenHash: Permission.hash(token: token), partyID: partyID.rawValue, templateID: templateID, challengeID: challengeID, now: now)
        else {
            throw Problem(.forbidden, code: "invalid_challenge", detail: "no unused, unexpired permission carrying this unexpired challenge for this party and template")
        }
        try await limit("template:\(templateID)", services.configuration.templateRate, now: now)
        // The stored key column spares reading and parsing the helper matrix; older rows fall back.
        let publicKey: [UInt8]
        if let stored = try await services.templates.publicKey(id: templateID) {
            publicKey = stored
        } else {
            publicKey = try await protectedTemplate(templateID).publicKey
        }
        let message = Challenge.message(id: challengeID, nonce: Base64.encodeURL(nonce))
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            throw Problem(.internalServerError, code: "internal", detail: "the stored template has an unusable public key")
        }
        return (permission, key.isValidSignature(signature, for: message))
    }

    /// The stored template, parsed; a template deleted since the permission was granted is 404.
    private func protectedTemplate(_ id: String) async throws -> ProtectedTemplate {
        guard let stored = try await services.templates.template(id: id) else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
        }
        return try ProtectedTemplate(serializedBytes: stored.bytes)
    }

    /// The signer, if it is a registered and approved party.
    func approvedParty(_ signature: VerifiedRequestSignature) async throws -> PrincipalID {
        guard let partyID = PrincipalID(signature.keyID), partyID.kind == .party, let party = try await services.identities.party(partyID) else {
            throw Problem(.forbidden, code: "party_only", detail: "only a registered party may verify")
        }
        guard party.status == .approved else {
            throw Problem(.forbidden, code: "party_not_approved", detail: "the operator has not approved this party")
        }
        return partyID
    }

    func limit(_ bucket: String, _ rate: RateLimit, now: Date) async throws {
        if let wait = try await services.rateLimits.take(bucket: bucket, capacity: rate.burst, perSecond: rate.perSecond, now: now) {
            throw Problem(.tooManyRequests, code: "rate_limited", detail: "too many verification attempts; retry later",
                          retryAfter: Int(wait.rounded(.up)))
        }
    }
}
