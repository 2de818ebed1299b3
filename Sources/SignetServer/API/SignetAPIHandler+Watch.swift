import Foundation
import OpenAPIRuntime
import SignetAPI
import SignetService
import SignetWatch

/// The watch's alerts to holders.
extension SignetAPIHandler {
    func listHolderAlerts(_ input: Operations.ListHolderAlerts.Input) async throws -> Operations.ListHolderAlerts.Output {
        let alerts = try await api().alerts(as: try caller())
        return .ok(.init(body: .json(.init(alerts: alerts.compactMap { alert in
            // Every rule this build stores is one the enum names; one written by a newer build is left out, not mislabelled.
            Components.Schemas.Alert.RulePayload(rawValue: alert.rule).map {
                .init(id: alert.id, rule: $0, partyId: alert.party, message: alert.message, time: alert.time)
            }
        }))))
    }
}
