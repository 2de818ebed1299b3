import Foundation
import Hummingbird
import SignetMarket
import SignetService

/// The trust protocol in force and any change in its notice period, and the guides.
extension DashboardRoutes {
    /// `GET /dashboard/protocol`: ``SignetService/activeProtocol()`` and
    /// ``SignetService/pendingProtocols()``.
    func trustProtocol(_ request: Request) async throws -> Response {
        let session = try await requireSession(request)
        let active = try await service.activeProtocol()
        let pending = try await service.pendingProtocols()
        let view = ProtocolView(
            title: active.rules.title, version: active.rules.version, contentID: active.contentID,
            rules: active.rules.rules.map { RuleView(id: $0.id, statement: $0.statement) },
            pending: pending.map { change in
                let rules = Dictionary(change.version.rules.rules.map { ($0.id, $0.statement) }, uniquingKeysWith: { first, _ in first })
                let old = Dictionary(active.rules.rules.map { ($0.id, $0.statement) }, uniquingKeysWith: { first, _ in first })
                return PendingView(
                    version: change.version.version, contentID: change.version.contentID,
                    proposed: DashboardFormat.time(change.version.proposedAt), effective: DashboardFormat.time(change.version.effectiveAt),
                    added: change.diff.added.map { RuleView(id: $0, statement: rules[$0] ?? "") },
                    removed: change.diff.removed.map { RuleView(id: $0, statement: old[$0] ?? "") },
                    changed: change.diff.changed.map { RuleView(id: $0, statement: rules[$0] ?? "") })
            })
        return page("protocol", title: "Trust protocol", current: "protocol", session: session, view)
    }

    /// A guide (`GET /dashboard/guides…`): static text, for signed-in holders only like every
    /// other page, so the dashboard shows nothing to a visitor but how to sign in.
    func guide(_ request: Request, _ template: String, title: String) async throws -> Response {
        let session = try await requireSession(request)
        return page(template, title: title, current: "guides", session: session, GuideView())
    }
}

/// The trust protocol page.
struct ProtocolView {
    let title: String
    let version: Int
    let contentID: String
    let rules: [RuleView]
    let pending: [PendingView]
}

/// One rule.
struct RuleView {
    let id: String
    let statement: String
}

/// A version in its notice period.
struct PendingView {
    let version: Int
    let contentID: String
    let proposed: String
    let effective: String
    let added: [RuleView]
    let removed: [RuleView]
    let changed: [RuleView]
}

/// Guides have no values of their own.
struct GuideView {}
