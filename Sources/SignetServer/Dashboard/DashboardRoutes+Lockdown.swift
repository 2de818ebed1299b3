import Foundation
import Hummingbird
import SignetMarket
import SignetService

/// Locking everything down in one step, after a page that says exactly what it does.
extension DashboardRoutes {
    /// `GET /dashboard/lockdown`: what a lockdown would do now, and the confirmation form.
    func lockdownPage(_ request: Request) async throws -> Response {
        let session = try await requireSession(request)
        let caller = session.holder.principal
        let now = self.now
        let grants = try await service.holderGrants(as: caller).filter { $0.state(at: now) == .active }.count
        let offers = try await service.inbox(as: caller).filter { $0.status == .pending || $0.status == .countered }.count
        let templates = try await service.profile(as: caller).templateIDs.count
        let done = cookie(request).flatMap { sessions.takeFlash(for: $0) }
        return page("lockdown", title: "Lock everything down", current: "lockdown", session: session, notice: done,
                    LockdownView(grants: Self.count(grants, "active grant"), offers: Self.count(offers, "waiting offer"),
                                 templates: Self.count(templates, "template")))
    }

    /// `POST /dashboard/lockdown` with `confirm=yes`: ``SignetService/lockdown(as:)``, then back
    /// to the lockdown page with what it did.
    /// - Throws: ``DashboardFailure`` 400 without the confirmation.
    func lockdown(_ request: Request) async throws -> Response {
        let (session, form) = try await submission(request)
        guard form["confirm"] == "yes" else {
            throw DashboardFailure.badForm("Tick the box to confirm that you want to lock everything down, then press the button again.")
        }
        let outcome = try await service.lockdown(as: session.holder.principal)
        if let cookie = cookie(request) {
            sessions.flash(
                "Everything is locked down: \(Self.count(outcome.grantsRevoked, "grant")) revoked, \(Self.count(outcome.offersRefused, "offer")) refused, "
                    + "\(Self.count(outcome.templatesLocked, "template")) locked until you renew \(outcome.templatesLocked == 1 ? "it" : "them") from a fresh sample, "
                    + "\(Self.count(outcome.partiesNotified.count, "party", plural: "parties")) told. The lockdown is entry \(outcome.ledgerIndex) of the public log.",
                for: cookie)
        }
        return redirect("/lockdown?done=locked")
    }

    private static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
    }
}

/// The lockdown page: what would stop.
struct LockdownView {
    /// `2 active grants`.
    let grants: String
    let offers: String
    let templates: String
}
