import Foundation
import HTTPTypes
import OpenAPIRuntime
import SignetAPI
import SignetCore
import SignetLog
import SignetMarket
import SignetVault

/// Holder-only operations: enroll, download, renew and delete templates; read one's own
/// activity with proofs.
extension SignetAPIHandler {
    func enrollTemplate(_ input: Operations.EnrollTemplate.Input) async throws -> Operations.EnrollTemplate.Output {
        let (services, recorder, _) = try api()
        let holderID = try holder()
        let embedding = switch input.body { case .json(let body): body }
        let template = try protect(EmbeddingCheck.values(embedding), services: services)
        let now = services.configuration.now()
        let stored = StoredTemplate(id: StoredTemplate.newID(), holderID: holderID.rawValue, bytes: template.serializedBytes(), updatedAt: now,
                                    publicKey: template.publicKey)
        try await services.templates.insert(stored)
        let index = try await recorder.record(.enroll, holderID: holderID.rawValue, details: .object(["template": .string(stored.id)]), at: now)
        return .created(.init(
            headers: .init(location: "/v1/templates/\(stored.id)"),
            body: .json(.init(id: stored.id, ledgerIndex: Int64(index)))))
    }

    /// The holder's own protected template, for their device to answer device-mode challenges.
    /// It holds no embedding; another holder's id answers 404 like an unknown one.
    func getTemplate(_ input: Operations.GetTemplate.Input) async throws -> Operations.GetTemplate.Output {
        let (services, _, _) = try api()
        let holderID = try holder()
        guard let stored = try await services.templates.template(id: input.path.templateId, holderID: holderID.rawValue) else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
        }
        return .ok(.init(body: .json(.init(id: stored.id, template: Base64.encodeURL(stored.bytes), updatedAt: stored.updatedAt))))
    }

    func renewTemplate(_ input: Operations.RenewTemplate.Input) async throws -> Operations.RenewTemplate.Output {
        let (services, _, _) = try api()
        let holderID = try holder()
        let id = input.path.templateId
        let embedding = switch input.body { case .json(let body): body }
        let template = try protect(EmbeddingCheck.values(embedding), services: services)
        let now = services.configuration.now()
        // Deliberate: the old helper data is overwritten in place, so it is gone, not archived.
        guard try await services.templates.replace(id: id, holderID: holderID.rawValue, bytes: template.serializedBytes(), publicKey: template.publicKey, at: now) else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
        }
        let index = try await retire(.renew, template: id, holderID: holderID.rawValue, at: now)
        return .ok(.init(body: .json(.init(id: id, ledgerIndex: Int64(index)))))
    }

    func deleteTemplate(_ input: Operations.DeleteTemplate.Input) async throws -> Operations.DeleteTemplate.Output {
        let (services, _, _) = try api()
        let holderID = try holder()
        let id = input.path.templateId
        guard try await services.templates.delete(id: id, holderID: holderID.rawValue) else {
            throw Problem(.notFound, code: "not_found", detail: "no such template")
        }
        let index = try await retire(.delete, template: id, holderID: holderID.rawValue, at: services.configuration.now())
        return .ok(.init(body: .json(.init(id: id, ledgerIndex: Int64(index)))))
    }

    /// After a renewal or deletion: revokes the template's outstanding permissions (consent was
    /// given for the old helper data, so it dies with it) and logs `kind`; returns the ledger index.
    private func retire(_ kind: LedgerEvent.Kind, template id: String, holderID: String, at now: Date) async throws -> UInt64 {
        let (services, recorder, _) = try api()
        _ = try await services.permissions.revokeAll(templateID: id, now: now)
        return try await recorder.record(kind, holderID: holderID, details: .object(["template": .string(id)]), at: now)
    }

    func listHolderActivity(_ input: Operations.ListHolderActivity.Input) async throws -> Operations.ListHolderActivity.Output {
        let (services, _, _) = try api()
        let holderID = try holder()
        let secret = try await services.activity.activitySecret(holderID: holderID.rawValue)
        var events: [Components.Schemas.ActivityEvent] = []
        for record in try await services.activity.activity(holderID: holderID.rawValue) {
            guard let kind = Components.Schemas.EventType(rawValue: record.kind) else {
                throw Problem(.internalServerError, code: "internal", detail: "a stored event has a kind this API does not describe")
            }
            let proof = try await ledger.proof(index: record.ledgerIndex)
            let entry = try await ledger.tiles.storage.entries(from: record.ledgerIndex, count: 1).first ?? []
            events.append(.init(
                ledgerIndex: Int64(record.ledgerIndex), _type: kind,
                time: Int64(record.time.timeIntervalSince1970.rounded(.down)),
                eventId: Base64.encodeURL(record.eventID), salt: Base64.encodeURL(record.salt),
                details: String(decoding: record.details, as: UTF8.self),
                entry: .init(entry), proof: proof.text))
        }
        return .ok(.init(body: .json(.init(activitySecret: Base64.encodeURL(secret), events: events))))
    }

    /// Turns an embedding into a protected template; the embedding is not kept.
    private func protect(_ values: [Float], services: APIServices) throws -> ProtectedTemplate {
        do {
            return try services.vault.scheme.enroll(samples: [values])
        } catch let error as VaultError {
            guard let problem = ErrorMapping.problem(for: error) else { throw error }
            throw problem
        }
    }
}
