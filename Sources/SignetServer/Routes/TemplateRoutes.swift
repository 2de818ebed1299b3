import Foundation
import Hummingbird
import SignetCore
import SignetLog
import SignetMarket
import SignetVault

/// Holder-only routes: enroll, download, renew and delete templates; read one's own activity with proofs.
struct TemplateRoutes: Sendable {
    let services: APIServices
    let authenticator: RequestAuthenticator
    let ledger: Ledger
    let recorder: EventRecorder

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.post("/v1/templates") { request, _ in try await enroll(request) }
        router.get("/v1/templates/:templateID") { request, context in
            try await download(request, id: context.parameters.get("templateID") ?? "")
        }
        router.put("/v1/templates/:templateID") { request, context in
            try await renew(request, id: context.parameters.get("templateID") ?? "")
        }
        router.delete("/v1/templates/:templateID") { request, context in
            try await delete(request, id: context.parameters.get("templateID") ?? "")
        }
        router.get("/v1/holders/me/activity") { request, _ in try await activity(request) }
    }

    /// Authenticates the request and requires the signer to be a registered holder.
    private func holder(_ request: Request, body: [UInt8]) async throws -> PrincipalID {
        let signature = try await authenticator.authenticate(request, body: body)
        guard let id = PrincipalID(signature.keyID), id.kind == .holder else {
            throw Problem(.forbidden, code: "holder_only", detail: "only a holder may do this")
        }
        return id
    }

    func enroll(_ request: Request) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: services.configuration.maximumBodySize)
        let holderID = try await holder(request, body: body)
        let embedding = try EmbeddingBody(body)
        let template = try protect(embedding.values)
        let now = services.configuration.now()
        let stored = StoredTemplate(id: StoredTemplate.newID(), holderID: holderID.rawValue, bytes: template.serializedBytes(), updatedAt: now,
                                    publicKey: template.publicKey)
        try await services.templates.insert(stored)
        let index = try await recorder.record(.enroll, holderID: holderID.rawValue, details: .object(["template": .string(stored.id)]), at: now)
        return try RequestBody.json(.created, ["id": .string(stored.id), "ledger_index": .number(Double(index))])
    }

    /// The holder's own protected template, for their device to answer device-mode challenges.
    /// It holds no embedding; another holder's id answers 404 like an unknown one.
    func download(_ request: Request, id: String) async throws -> Response {
        let holderID = try await holder(request, body: [])
        guard let stored = try await services.templates.template(id: id, holderID: holderID.rawValue) else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
        }
        return try RequestBody.json(.ok, [
            "id": .string(stored.id), "template": .string(Base64.encodeURL(stored.bytes)),
            "updated_at": .string(ISO8601DateFormatter().string(from: stored.updatedAt)),
        ])
    }

    func renew(_ request: Request, id: String) async throws -> Response {
        let body = try await RequestBody.collect(request, limit: services.configuration.maximumBodySize)
        let holderID = try await holder(request, body: body)
        let embedding = try EmbeddingBody(body)
        let template = try protect(embedding.values)
        let now = services.configuration.now()
        // Deliberate: the old helper data is overwritten in place, so it is gone, not archived.
        guard try await services.templates.replace(id: id, holderID: holderID.rawValue, bytes: template.serializedBytes(), publicKey: template.publicKey, at: now) else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
        }
        // Consent was given for the old helper data: outstanding permissions die with it.
        _ = try await services.permissions.revokeAll(templateID: id, now: now)
        let index = try await recorder.record(.renew, holderID: holderID.rawValue, details: .object(["template": .string(id)]), at: now)
        return try RequestBody.json(.ok, ["id": .string(id), "ledger_index": .number(Double(index))])
    }

    func delete(_ request: Request, id: String) async throws -> Response {
        let holderID = try await holder(request, body: [])
        guard try await services.templates.delete(id: id, holderID: holderID.rawValue) else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
        }
        let now = services.configuration.now()
        _ = try await services.permissions.revokeAll(templateID: id, now: now)
        let index = try await recorder.record(.delete, holderID: holderID.rawValue, details: .object(["template": .string(id)]), at: now)
        return try RequestBody.json(.ok, ["id": .string(id), "ledger_index": .number(Double(index))])
    }

    func activity(_ request: Request) async throws -> Response {
        let holderID = try await holder(request, body: [])
        let secret = try await services.activity.activitySecret(holderID: holderID.rawValue)
        var events: [JSONValue] = []
        for record in try await services.activity.activity(holderID: holderID.rawValue) {
            let proof = try await ledger.proof(index: record.ledgerIndex)
            let entry = try await ledger.tiles.storage.entries(from: record.ledgerIndex, count: 1).first ?? []
            events.append(.object([
                "ledger_index": .number(Double(record.ledgerIndex)),
                "type": .string(record.kind),
                "time": .number(record.time.timeIntervalSince1970.rounded(.down)),
                "event_id": .string(Base64.encodeURL(record.eventID)),
                "salt": .string(Base64.encodeURL(record.salt)),
                "details": .string(String(decoding: record.details, as: UTF8.self)),
                "entry": .string(Base64.encode(entry)),
                "proof": .string(proof.text),
            ]))
        }
        return try RequestBody.json(.ok, ["activity_secret": .string(Base64.encodeURL(secret)), "events": .array(events)])
    }

    /// Turns an embedding into a protected template; the embedding is not kept.
    private func protect(_ values: [Float]) throws -> ProtectedTemplate {
        do {
            return try services.vault.scheme.enroll(samples: [values])
        } catch let error as VaultError {
            guard let problem = ErrorMapping.problem(for: error) else { throw error }
            throw problem
        }
    }
}
