import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import SignetCore
import SignetMarket
import SignetService

/// Grants, their revocation and receipts, and the earnings statement.
extension DashboardRoutes {
    /// The most grants of each kind (active, ended) the grants page lists, newest first.
    static let grantsShown = 50

    /// `GET /dashboard/grants`.
    func grants(_ request: Request) async throws -> Response {
        let session = try await requireSession(request)
        let grants = try await service.holderGrants(as: session.holder.principal)
        let names = try await service.partyNames(grants.map(\.partyID))
        let now = self.now
        let active = grants.filter { $0.state(at: now) == .active }, inactive = grants.filter { $0.state(at: now) != .active }
        // A page shows the newest ones; a holder with hundreds of grants gets a readable page
        // (and the lockdown for all of them at once).
        let shownActive = active.prefix(Self.grantsShown).map { GrantView($0, partyName: names[$0.partyID], now: now) }
        let shownInactive = inactive.prefix(Self.grantsShown).map { GrantView($0, partyName: names[$0.partyID], now: now) }
        var usesByParty: [String: Int] = [:]
        for grant in grants { usesByParty[grant.partyID, default: 0] += grant.uses }
        let perParty = DashboardCharts.usesPerParty(usesByParty.map { (names[$0.key] ?? "Unknown party", $0.value) })
        return page("grants", title: "Grants", current: "grants", session: session, notice: Self.notice(request), GrantsView(
            active: shownActive, inactive: shownInactive, hasActive: !active.isEmpty, hasInactive: !inactive.isEmpty,
            activeCount: active.count, inactiveCount: inactive.count,
            moreActive: active.count > shownActive.count, moreInactive: inactive.count > shownInactive.count, shown: Self.grantsShown,
            perParty: perParty))
    }

    /// `POST /dashboard/grants/{grant}/revoke`: ``SignetService/revoke(grant:as:)``.
    func revoke(_ request: Request, grant: String?) async throws -> Response {
        let (session, _) = try await submission(request)
        _ = try await service.revoke(grant: try handle(grant), as: session.holder.principal)
        return redirect("/grants?done=revoked")
    }

    /// `GET /dashboard/grants/{grant}/receipt`: the consent receipt with its ledger proof, as
    /// the API's `GET /v1/holders/me/grants/{handle}/receipt` gives it, to save as a file.
    func receipt(_ request: Request, grant: String?) async throws -> Response {
        let session = try await requireSession(request)
        let handle = try handle(grant)
        let bundle = try await service.receipt(grant: handle, as: session.holder.principal)
        let receipt = try JSONSerialization.jsonObject(with: JSONEncoder().encode(bundle.receipt))
        let document: [String: Any] = ["receipt": receipt, "proof": bundle.proof, "entry": Base64.encode(bundle.entry)]
        let bytes = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return Response(status: .ok, headers: [
            .contentType: "application/json",
            .contentDisposition: "attachment; filename=\"signet-receipt-\(handle).json\"",
        ], body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `GET /dashboard/earnings`: ``SignetService/earnings(as:)`` and its totals.
    func earnings(_ request: Request) async throws -> Response {
        let session = try await requireSession(request)
        let lines = try await service.earnings(as: session.holder.principal)
        let names = try await service.partyNames(lines.map(\.partyID))
        let totals = try EarningsLine.totals(of: lines)
        let view = EarningsView(
            lines: lines.map { line in
                EarningsLineView(party: names[line.partyID] ?? "Unknown party", handle: line.handle, price: DashboardFormat.price(line.price),
                                 uses: "\(line.uses) of \(line.maxUses)", accepted: line.acceptedAt.map(DashboardFormat.time) ?? "")
            },
            totals: totals.map { TotalView(amount: DashboardFormat.price($0)) }, hasLines: !lines.isEmpty)
        return page("earnings", title: "Earnings", current: "earnings", session: session, view)
    }

    /// The grant handle of a path, or 404 for anything that is not one.
    private func handle(_ text: String?) throws -> String {
        guard let text, text.utf8.count == 24, text.hasPrefix("g_"), Base64.decodeURL(text.dropFirst(2))?.count == 16 else {
            throw DashboardFailure(status: .notFound, title: "Not found", sentence: "There is no such grant of yours.")
        }
        return text
    }
}

/// The grants page.
struct GrantsView {
    let active: [GrantView]
    let inactive: [GrantView]
    let hasActive: Bool
    let hasInactive: Bool
    let activeCount: Int
    let inactiveCount: Int
    /// Whether more grants exist than the page lists.
    let moreActive: Bool
    let moreInactive: Bool
    let shown: Int
    /// The picture of uses per party, over every grant.
    let perParty: RowChart
}

/// One grant as the grants page shows it.
struct GrantView {
    let handle: String
    let party: String
    let purpose: String
    let state: String
    let active: Bool
    let uses: String
    let issued: String
    let expires: String
    /// Whether its receipt can be downloaded (grants from before receipts have none).
    let hasReceipt: Bool

    init(_ grant: Grant, partyName: String?, now: Date) {
        handle = grant.handle
        party = partyName ?? "Unknown party"
        purpose = grant.purpose.map { Purpose.published[$0] ?? $0 } ?? "A one-time check you permitted"
        let state = grant.state(at: now)
        self.state = switch state {
        case .active: "active"
        case .usedUp: "all uses spent"
        case .expired: "expired"
        case .revoked: "revoked"
        case .suspended: "suspended by the watch (its party was caught in a breach pattern)"
        }
        active = state == .active
        uses = "\(grant.uses) of \(grant.maxUses) used"
        issued = grant.issuedAt.map(DashboardFormat.time) ?? ""
        expires = DashboardFormat.time(grant.expiresAt)
        hasReceipt = grant.statusIndex != nil
    }
}

/// The earnings page.
struct EarningsView {
    let lines: [EarningsLineView]
    let totals: [TotalView]
    let hasLines: Bool
}

/// One line of the statement.
struct EarningsLineView {
    let party: String
    let handle: String
    let price: String
    let uses: String
    let accepted: String
}

/// One currency's total.
struct TotalView {
    let amount: String
}

extension GrantView: MustacheParent {
    /// The template's keys, looked up without reflection (pages list many of these).
    func child(named name: String) -> Any? {
        switch name {
        case "handle": handle
        case "party": party
        case "purpose": purpose
        case "state": state
        case "active": active
        case "uses": uses
        case "issued": issued
        case "expires": expires
        case "hasReceipt": hasReceipt
        default: nil
        }
    }
}
