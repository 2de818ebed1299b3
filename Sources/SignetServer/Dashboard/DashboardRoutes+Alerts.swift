import Foundation
import Hummingbird
import SignetMarket
import SignetService
import SignetWatch

/// What the watch told the holder.
extension DashboardRoutes {
    /// `GET /dashboard/alerts`: ``SignetService/alerts(as:limit:)``, newest first.
    func alerts(_ request: Request) async throws -> Response {
        let session = try await requireSession(request)
        let alerts = try await service.alerts(as: session.holder.principal)
        let names = try await service.partyNames(alerts.compactMap(\.party))
        let views = alerts.map { alert in
            AlertView(time: DashboardFormat.time(alert.time), rule: Self.ruleName(alert.rule), message: alert.message,
                      party: alert.party.map { names[$0] ?? $0 }, severe: ["auction", "replay", "honey"].contains(alert.rule))
        }
        return page("alerts", title: "Alerts", current: "alerts", session: session,
                    AlertsView(alerts: views, hasAlerts: !views.isEmpty, severe: views.contains(where: \.severe)))
    }

    /// A watch rule's name for people.
    static func ruleName(_ rule: String) -> String {
        switch rule {
        case "unconsented": "Attempts without your consent"
        case "burst": "Unusually many uses"
        case "auction": "Your signature may be for sale"
        case "replay": "A copied sample"
        case "honey": "The template store may have leaked"
        default: rule
        }
    }
}

/// The alerts page.
struct AlertsView {
    let alerts: [AlertView]
    let hasAlerts: Bool
    /// Whether any alert is one a lockdown answers (a sale, a copy, a leak).
    let severe: Bool
}

/// One alert.
struct AlertView {
    let time: String
    let rule: String
    let message: String
    let party: String?
    let severe: Bool
}
