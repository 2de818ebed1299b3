import Foundation
import Hummingbird
import Mustache
import SignetCore
import SignetMarket
import SignetService

/// The inbox: offers with their risk reports, and the holder's answers to them.
extension DashboardRoutes {
    /// Open offers per inbox page.
    static let offersPerPage = 20
    /// Answered and lapsed offers the inbox lists, newest first.
    static let closedOffersShown = 50

    /// `GET /dashboard/inbox[?page=N]` (0, the default, has the newest open offers).
    func inbox(_ request: Request) async throws -> Response {
        let session = try await requireSession(request)
        let caller = session.holder.principal
        let offers = try await service.inbox(as: caller)
        let templates = try await service.profile(as: caller).templateIDs.map(\.rawValue)
        let names = try await service.partyNames(offers.map(\.partyID))
        let pendingChanges = try await service.pendingProtocols()
        let now = self.now
        let views = offers.map { OfferView($0, partyName: names[$0.partyID], now: now) }
        let open = views.filter(\.open), closed = views.filter { !$0.open }
        // Open offers a page at a time, newest first: each is a card with three forms, and
        // nobody weighs a hundred at once. Answered ones are a short table of the newest.
        let pageNumber = try Self.pageNumber(request)
        let shown = Array(open.dropFirst(pageNumber * Self.offersPerPage).prefix(Self.offersPerPage))
        let more = open.count > (pageNumber + 1) * Self.offersPerPage
        let view = InboxView(
            open: shown, closed: Array(closed.prefix(Self.closedOffersShown)), hasOpen: !shown.isEmpty, hasClosed: !closed.isEmpty,
            openCount: open.count, closedCount: closed.count, moreClosed: closed.count > Self.closedOffersShown,
            newer: pageNumber > 0 ? "\(Self.prefix)/inbox?page=\(pageNumber - 1)" : nil,
            older: more ? "\(Self.prefix)/inbox?page=\(pageNumber + 1)" : nil,
            templates: templates.map { TemplateOption(id: $0) },
            chooseTemplate: templates.count > 1, noTemplate: templates.isEmpty, protocolChange: !pendingChanges.isEmpty)
        return page("inbox", title: "Inbox", current: "inbox", session: session, notice: Self.notice(request), view)
    }

    /// `POST /dashboard/offers/{offer}/accept`: ``SignetService/accept(offer:templateID:as:)``.
    func accept(_ request: Request, offer: String?) async throws -> Response {
        let (session, form) = try await submission(request)
        let id = try offerID(offer)
        _ = try await service.accept(offer: id, templateID: form.text("template"), as: session.holder.principal)
        return redirect("/grants?done=accepted")
    }

    /// `POST /dashboard/offers/{offer}/decline`: ``SignetService/decline(offer:as:)``.
    func decline(_ request: Request, offer: String?) async throws -> Response {
        let (session, _) = try await submission(request)
        _ = try await service.decline(offer: try offerID(offer), as: session.holder.principal)
        return redirect("/inbox?done=declined")
    }

    /// `POST /dashboard/offers/{offer}/counter`: ``SignetService/counter(offer:changes:templateID:as:)``
    /// with the uses, retention and price the holder entered.
    func counter(_ request: Request, offer: String?) async throws -> Response {
        let (session, form) = try await submission(request)
        let id = try offerID(offer)
        let changes = CounterChanges(
            maxUses: try form.integer("max_uses", label: "Uses", in: 1...1_000_000).map { Int($0) },
            retentionDays: try form.integer("retention_days", label: "Retention", in: 0...36_500).map { Int($0) },
            priceMinorUnits: try form.integer("price", label: "Price", in: 0...Int64(Int32.max)))
        _ = try await service.counter(offer: id, changes: changes, templateID: form.text("template"), as: session.holder.principal)
        return redirect("/inbox?done=countered")
    }

    /// The offer id of a path, or 404 for anything that is not one.
    private func offerID(_ text: String?) throws -> String {
        guard let text, Offer.isID(text) else {
            throw DashboardFailure(status: .notFound, title: "Not found", sentence: "There is no such offer in your inbox.")
        }
        return text
    }
}

/// The inbox page.
struct InboxView {
    /// Offers waiting for an answer.
    let open: [OfferView]
    /// Offers answered, countered or lapsed.
    let closed: [OfferView]
    // Stored, not computed: templates read stored properties only (through `Mirror`).
    let hasOpen: Bool
    let hasClosed: Bool
    let openCount: Int
    let closedCount: Int
    let moreClosed: Bool
    /// Links to the pages of newer and older open offers, when there are.
    let newer: String?
    let older: String?
    let templates: [TemplateOption]
    /// Whether the holder has several templates and must name one to accept or counter.
    let chooseTemplate: Bool
    let noTemplate: Bool
    /// Whether a change of the trust protocol is in its notice period.
    let protocolChange: Bool
}

/// One template in a choice.
struct TemplateOption {
    let id: String
}

/// One offer as the inbox shows it.
struct OfferView {
    let id: String
    let party: String
    let partyID: String
    let purpose: String
    let purposeCode: String
    let scope: String
    let uses: String
    let retention: String
    let validity: String
    let expires: String
    let price: String
    let status: String
    /// Whether the holder can still answer it.
    let open: Bool
    let riskLevel: String
    let riskScore: Int
    let reasons: [ReasonView]
    let onwardTransfer: Bool
    // The raw terms, as the counter form's starting values.
    let maxUses: Int
    let retentionDays: Int
    let priceMinorUnits: Int64
    let currency: String
    let counter: String?

    init(_ offer: Offer, partyName: String?, now: Date) {
        let terms = offer.terms
        id = offer.id
        party = partyName ?? "Unknown party"
        partyID = offer.partyID
        purpose = terms.purposeText
        purposeCode = Purpose.published[terms.purpose] ?? terms.purpose
        scope = switch terms.scope {
        case .verify: "Check your face against your template (a yes or no each time)"
        case .attributes(let names): "These attested facts about you: " + names.joined(separator: ", ")
        case .templateTransfer: "Your template itself"
        }
        uses = "Up to " + DashboardFormat.times(terms.maxUses)
        retention = terms.retentionDays == 0 ? "Not kept" : "Kept for " + DashboardFormat.days(terms.retentionDays)
        validity = "Your consent would last " + DashboardFormat.days(terms.validityDays)
        expires = DashboardFormat.time(terms.expiresAt)
        price = DashboardFormat.price(terms.price)
        let lapsed = offer.status == .pending && terms.expiresAt <= now
        open = offer.status == .pending && !lapsed
        status = lapsed ? "lapsed" : offer.status.rawValue
        riskLevel = offer.risk.level.rawValue
        riskScore = offer.risk.score
        reasons = offer.risk.reasons.map { ReasonView(points: $0.points, sentence: $0.sentence) }
        onwardTransfer = terms.onwardTransfer
        maxUses = terms.maxUses
        retentionDays = terms.retentionDays
        priceMinorUnits = terms.price.minorUnits
        currency = terms.price.currency
        counter = offer.counter.map { counter in
            let t = counter.terms
            return "You asked for up to \(DashboardFormat.times(t.maxUses)), kept \(DashboardFormat.days(t.retentionDays)), for \(DashboardFormat.price(t.price))."
        }
    }
}

/// One reason of a risk report.
struct ReasonView {
    let points: Int
    let sentence: String
}

extension OfferView: MustacheParent {
    /// The template's keys, looked up without reflection (pages list many of these).
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "party": party
        case "partyID": partyID
        case "purpose": purpose
        case "purposeCode": purposeCode
        case "scope": scope
        case "uses": uses
        case "retention": retention
        case "validity": validity
        case "expires": expires
        case "price": price
        case "status": status
        case "open": open
        case "riskLevel": riskLevel
        case "riskScore": riskScore
        case "reasons": reasons
        case "onwardTransfer": onwardTransfer
        case "maxUses": maxUses
        case "retentionDays": retentionDays
        case "priceMinorUnits": priceMinorUnits
        case "currency": currency
        case "counter": counter
        default: nil
        }
    }
}

extension ReasonView: MustacheParent {
    /// The template's keys, looked up without reflection (pages list many of these).
    func child(named name: String) -> Any? {
        switch name {
        case "points": points
        case "sentence": sentence
        default: nil
        }
    }
}
