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

    private struct ProbeRequest: Decodable {
        let mode: String
        let template_id: String
        let permission_token: String
    }

    func verify(_ request: Request) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: services.configuration.maximumBodySize)
        let signature = try await authenticator.authenticate(request, body: body)
        guard let partyID = PrincipalID(signature.keyID), partyID.kind == .party, let party = try await services.identities.party(partyID) else {
            throw Problem(.forbidden, code: "party_only", detail: "only a registered party may verify")
        }
        guard party.status == .approved else {
            throw Problem(.forbidden, code: "party_not_approved", detail: "the operator has not approved this party")
        }
        let json = try StrictJSONObject(body, allowed: ["mode", "template_id", "permission_token", "probe"])
        guard let wire = try? JSONDecoder().decode(ProbeRequest.self, from: Data(body)) else {
            throw Problem(.badRequest, code: "invalid_field", detail: "mode, template_id and permission_token are required strings")
        }
        guard wire.mode == "probe" else {
            // Device mode (challenge answered by the holder's device) is not served yet.
            throw Problem(.badRequest, code: "invalid_field", detail: "mode must be \"probe\"")
        }
        let probe = try EmbeddingBody(try json.objectBytes("probe"))
        let now = services.configuration.now()
        try await limit("party:\(partyID.rawValue)", services.configuration.partyRate, now: now)
        guard let token = Base64.decodeURL(wire.permission_token), token.count == 32,
              let permission = try await services.permissions.consume(
                tokenHash: Permission.hash(token: token), partyID: partyID.rawValue, templateID: wire.template_id, now: now)
        else {
            throw Problem(.forbidden, code: "invalid_permission", detail: "no unused, unexpired permission of this holder for this party and template")
        }
        // Deliberate: the template's bucket is charged only for permitted attempts, so a party
        // without consent cannot exhaust it and lock the holder's legitimate verifications out.
        try await limit("template:\(wire.template_id)", services.configuration.templateRate, now: now)
        guard let stored = try await services.templates.template(id: wire.template_id) else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
        }
        let template = try ProtectedTemplate(serializedBytes: stored.bytes)
        let match: Bool
        do {
            match = try services.vault.scheme.verify(probe: probe.values, against: template) == .accepted
        } catch let error as VaultError where error.code == .authenticationFailure {
            match = false
        } catch let error as VaultError {
            guard let problem = ErrorMapping.problem(for: error) else { throw error }
            throw problem
        }
        // Log before release: the answer exists only once its event is durable in the ledger.
        let index = try await recorder.record(
            .use, holderID: permission.holderID, party: partyID.rawValue,
            details: .object(["template": .string(wire.template_id), "mode": .string("probe"), "match": .bool(match)]), at: now)
        let claims = VerificationClaims(
            match: match, ledger_index: Int(index), log_origin: ledger.verifier.name, template_id: wire.template_id,
            party_id: partyID.rawValue, mode: "probe", iat: Int(now.timeIntervalSince1970))
        return try RequestBody.json(.ok, ["result": .string(try await services.results.sign(claims))])
    }

    private func limit(_ bucket: String, _ rate: RateLimit, now: Date) async throws {
        if let wait = try await services.rateLimits.take(bucket: bucket, capacity: rate.burst, perSecond: rate.perSecond, now: now) {
            throw Problem(.tooManyRequests, code: "rate_limited", detail: "too many verification attempts; retry later",
                          retryAfter: Int(wait.rounded(.up)))
        }
    }
}
