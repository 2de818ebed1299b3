import SignetVault
import SignetMarket
import SignetLog
import Foundation
import OpenAPIRuntime
import SignetAPI
import SignetCore
import SignetService

/// Holder-only operations: enroll, download, renew and delete templates; read one's own
/// record and activity with proofs.
extension SignetAPIHandler {
    func enrollTemplate(_ input: Operations.EnrollTemplate.Input) async throws -> Operations.EnrollTemplate.Output {
        let request = switch input.body { case .json(let body): body }
        let receipt = try await api().enroll(samples: Self.samples(request), as: try caller())
        return .created(.init(
            headers: .init(location: "/v1/templates/\(receipt.id)"),
            body: .json(.init(id: receipt.id.rawValue, ledgerIndex: Int64(receipt.ledgerIndex)))))
    }

    /// The holder's own protected template, for their device to answer device-mode challenges.
    func getTemplate(_ input: Operations.GetTemplate.Input) async throws -> Operations.GetTemplate.Output {
        let stored = try await api().template(input.path.templateId, as: try caller())
        return .ok(.init(body: .json(.init(id: stored.id.rawValue, template: Base64.encodeURL(stored.bytes), updatedAt: stored.updatedAt))))
    }

    func renewTemplate(_ input: Operations.RenewTemplate.Input) async throws -> Operations.RenewTemplate.Output {
        let request = switch input.body { case .json(let body): body }
        let receipt = try await api().renew(input.path.templateId, samples: Self.samples(request), as: try caller())
        return .ok(.init(body: .json(.init(id: receipt.id.rawValue, ledgerIndex: Int64(receipt.ledgerIndex)))))
    }

    func deleteTemplate(_ input: Operations.DeleteTemplate.Input) async throws -> Operations.DeleteTemplate.Output {
        let receipt = try await api().delete(input.path.templateId, as: try caller())
        return .ok(.init(body: .json(.init(id: receipt.id.rawValue, ledgerIndex: Int64(receipt.ledgerIndex)))))
    }

    func getHolderProfile(_ input: Operations.GetHolderProfile.Input) async throws -> Operations.GetHolderProfile.Output {
        let profile = try await api().profile(as: try caller())
        return .ok(.init(body: .json(.init(
            id: profile.holder.id.rawValue, publicKey: Base64.encodeURL(profile.holder.publicKey),
            registeredAt: profile.holder.registeredAt, templates: profile.templateIDs.map(\.rawValue)))))
    }

    func listHolderActivity(_ input: Operations.ListHolderActivity.Input) async throws -> Operations.ListHolderActivity.Output {
        let activity = try await api().activity(as: try caller(), after: input.query.cursor, limit: input.query.limit.map(Int.init))
        let events = try activity.entries.map { item -> Components.Schemas.ActivityEvent in
            guard let kind = Components.Schemas.EventType(rawValue: item.record.kind) else {
                throw Problem(.internal, detail: "a stored event has a kind this API does not describe")
            }
            return .init(
                ledgerIndex: Int64(item.record.ledgerIndex), _type: kind,
                time: Int64(item.record.time.timeIntervalSince1970.rounded(.down)),
                eventId: Base64.encodeURL(item.record.eventID), salt: Base64.encodeURL(item.record.salt),
                details: String(decoding: item.record.details, as: UTF8.self),
                entry: .init(item.entry), proof: item.proof.text)
        }
        return .ok(.init(body: .json(.init(activitySecret: Base64.encodeURL(activity.activitySecret), events: events, nextCursor: activity.nextCursor))))
    }
}
