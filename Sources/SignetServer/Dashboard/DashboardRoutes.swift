import Foundation
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore
import SignetCore
import SignetMarket
public import SignetService

/// The holder's dashboard: server-rendered pages under `/dashboard`, with no JavaScript.
///
/// A holder signs in with a one-time link their key signed (`signet holder sign-in`), gets a
/// session cookie (`HttpOnly`, `SameSite=Strict`, `Path=/dashboard`, `Secure` behind https),
/// and acts through plain forms (POST, then redirect to a page: POST-redirect-GET). Every form
/// carries the session's synchronizer token; every action calls the same workflow the JSON API
/// calls, so the dashboard checks, records and logs nothing differently.
///
/// Sessions live in this instance's memory: see ``DashboardSessions`` for what that means with
/// several instances.
public struct DashboardRoutes: Sendable {
    /// Where the dashboard is served.
    static let prefix = "/dashboard"
    /// The session cookie's name.
    static let cookieName = "signet_session"

    let service: SignetService
    let configuration: DashboardConfiguration
    let sessions: DashboardSessions
    let logger: Logger

    /// Creates the dashboard of `service`.
    public init(service: SignetService, configuration: DashboardConfiguration = DashboardConfiguration(),
                logger: Logger = Logger(label: "signet.dashboard")) {
        self.service = service
        self.configuration = configuration
        self.sessions = DashboardSessions(capacity: configuration.maximumSessions, random: service.configuration.random)
        self.logger = logger
    }

    /// Adds the dashboard's routes to `router`.
    public func register<Context: RequestContext>(on router: Router<Context>) {
        let group = router.group(RouterPath(Self.prefix)).add(middleware: DashboardMiddleware(routes: self))
        group.get { request, _ in try await welcome(request) }
        group.get("static/dashboard.css") { _, _ in try stylesheet() }
        group.get("sign-in") { request, _ in try await signInPage(request) }
        group.post("sign-in") { request, _ in try await signIn(request) }
        group.post("sign-out") { request, _ in try await signOut(request) }
        group.get("inbox") { request, _ in try await inbox(request) }
        group.post("offers/:offer/accept") { request, context in try await accept(request, offer: context.parameters.get("offer")) }
        group.post("offers/:offer/decline") { request, context in try await decline(request, offer: context.parameters.get("offer")) }
        group.post("offers/:offer/counter") { request, context in try await counter(request, offer: context.parameters.get("offer")) }
        group.get("grants") { request, _ in try await grants(request) }
        group.post("grants/:grant/revoke") { request, context in try await revoke(request, grant: context.parameters.get("grant")) }
        group.get("grants/:grant/receipt") { request, context in try await receipt(request, grant: context.parameters.get("grant")) }
        group.get("activity") { request, _ in try await activity(request) }
        group.get("earnings") { request, _ in try await earnings(request) }
        group.get("protocol") { request, _ in try await trustProtocol(request) }
        group.get("alerts") { request, _ in try await alerts(request) }
        group.get("lockdown") { request, _ in try await lockdownPage(request) }
        group.post("lockdown") { request, _ in try await lockdown(request) }
        group.get("guides") { request, _ in try await guide(request, "guides", title: "Guides") }
        group.get("guides/signature") { request, _ in try await guide(request, "guide-signature", title: "Safeguarding your signature") }
        group.get("guides/risk-report") { request, _ in try await guide(request, "guide-risk-report", title: "Reading a risk report") }
        // Anything else under /dashboard is an HTML 404, not the API's problem+json.
        group.get("**") { _, _ -> Response in throw DashboardFailure.notFound }
        group.post("**") { _, _ -> Response in throw DashboardFailure.notFound }
    }

    /// The service's clock.
    var now: Date { service.configuration.now() }
}

// MARK: - Sessions and forms

extension DashboardRoutes {
    /// The request's live session and its cookie value, or `nil`.
    ///
    /// A session whose signing key is no longer the holder's active key (rotated, or revoked by
    /// the operator) is closed here: whoever signed in with the old key is signed out.
    func currentSession(_ request: Request) async throws -> (session: DashboardSession, cookie: String)? {
        guard let cookie = request.cookies[Self.cookieName]?.value, let session = sessions.session(cookie, now: now) else { return nil }
        guard try await service.isActiveKey(session.publicKey, of: session.holder) else {
            sessions.close(cookie)
            return nil
        }
        return (session, cookie)
    }

    /// The request's live session.
    /// - Throws: ``DashboardFailure/notSignedIn`` (401).
    func requireSession(_ request: Request) async throws -> DashboardSession {
        guard let (session, _) = try await currentSession(request) else { throw DashboardFailure.notSignedIn }
        return session
    }

    /// The request's session cookie value, if it sends one.
    func cookie(_ request: Request) -> String? { request.cookies[Self.cookieName]?.value }

    /// A submitted form, after every check a state-changing request must pass: a live session,
    /// a same-origin request, a form body of bounded size, and the session's synchronizer token.
    /// - Throws: ``DashboardFailure``: 401 without a session, 403 for another origin or a
    ///   missing or wrong token, 413 for a body too large, 415 for another media type, 400 for
    ///   a malformed form.
    func submission(_ request: Request) async throws -> (session: DashboardSession, form: DashboardForm) {
        let session = try await requireSession(request)
        guard isSameOrigin(request) else { throw DashboardFailure.forgedForm }
        let form = try await self.form(request)
        // Deliberate: compared in constant time, so the token cannot be learned byte by byte.
        guard let token = form["csrf"], ConstantTime.equal(Array(token.utf8), Array(session.csrfToken.utf8)) else {
            throw DashboardFailure.forgedForm
        }
        return (session, form)
    }

    /// The request's form body, of bounded size and strictly parsed.
    /// - Throws: ``DashboardFailure`` 415 for another media type, 413 for a body too large,
    ///   400 for a malformed form.
    func form(_ request: Request) async throws -> DashboardForm {
        let mediaType = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard mediaType == "application/x-www-form-urlencoded" else {
            throw DashboardFailure(status: .unsupportedMediaType, title: "This form cannot be read",
                                   sentence: "Dashboard forms are sent as application/x-www-form-urlencoded.")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: configuration.maximumFormSize)
        } catch {
            throw DashboardFailure(status: .contentTooLarge, title: "This form is too large",
                                   sentence: "A dashboard form is at most \(configuration.maximumFormSize / 1024) KiB.")
        }
        return try DashboardForm(parsing: Array(body.readableBytesView))
    }

    /// Whether the request says it came from a dashboard page: `Sec-Fetch-Site` (when the
    /// browser sends it) is `same-origin`, and `Origin` (when sent) is this server's. Browsers
    /// that send neither are still held by the synchronizer token and `SameSite=Strict`.
    ///
    /// Deliberate: `Origin: null` counts as no `Origin`. Chromium sends `null` on every form
    /// POST from a page whose `Referrer-Policy` is `no-referrer`, as the dashboard's is; the
    /// cross-site senders of `null` (sandboxed frames, `data:` pages) are refused by
    /// `Sec-Fetch-Site`, and carry neither the `SameSite=Strict` cookie nor the token.
    func isSameOrigin(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite], site != "same-origin" { return false }
        guard let origin = request.headers[.origin], origin != "null" else { return true }
        var allowed = [Self.origin(of: service.publicURL.current)]
        if let authority = request.head.authority {
            allowed.append(Self.scheme(of: service.publicURL.current) + "://" + authority)
        }
        return allowed.contains(origin)
    }

    /// `scheme://host[:port]` of a URL.
    static func origin(of url: String) -> String {
        guard let parsed = URL(string: url), let scheme = parsed.scheme, let host = parsed.host else { return url }
        return parsed.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }

    static func scheme(of url: String) -> String { URL(string: url)?.scheme ?? "http" }

    /// The session cookie: `HttpOnly`, `SameSite=Strict`, scoped to `/dashboard`, `Secure`
    /// when the public URL is https; `Max-Age` 0 clears it.
    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: Self.cookieName, value: value, maxAge: maxAge, path: Self.prefix,
               secure: service.publicURL.current.hasPrefix("https://"), httpOnly: true, sameSite: .strict)
    }
}

// MARK: - Responses

extension DashboardRoutes {
    /// The navigation's entries: path under `/dashboard/` and label.
    static let navigation: [(path: String, label: String)] = [
        ("inbox", "Inbox"), ("grants", "Grants"), ("activity", "Activity"), ("alerts", "Alerts"), ("earnings", "Earnings"),
        ("protocol", "Trust protocol"), ("guides", "Guides"), ("lockdown", "Lock down"),
    ]

    /// A page: `template` rendered inside the layout.
    /// - Parameters:
    ///   - current: the navigation entry to mark as the current page.
    ///   - session: the signed-in holder's session (navigation and the sign-out form), if any.
    func page(_ template: String, title: String, current: String? = nil, session: DashboardSession?, notice: String? = nil,
              status: HTTPResponse.Status = .ok, _ content: Any) -> Response {
        let context = PageContext(
            title: title, signedIn: session != nil, csrf: session?.csrfToken ?? "",
            nav: session == nil ? [] : Self.navigation.map { NavLink(href: "\(Self.prefix)/\($0.path)", label: $0.label, current: $0.path == current) },
            notice: notice, page: content)
        return html(template, context, status: status)
    }

    /// The page of a failure.
    func failurePage(_ failure: DashboardFailure) -> Response {
        var response = page("error", title: failure.title, session: nil, status: failure.status,
                            ErrorView(status: Int(failure.status.code), title: failure.title, sentence: failure.sentence,
                                      signIn: failure.status == .unauthorized))
        if failure.endsSession { response.setCookie(sessionCookie("", maxAge: 0)) }
        return response
    }

    /// `template` rendered with `context` as an HTML response.
    func html(_ template: String, _ context: Any, status: HTTPResponse.Status = .ok) -> Response {
        guard case .success(let renderer) = DashboardRenderer.bundled, let text = renderer.render(template, context) else {
            logger.error("dashboard template missing", metadata: ["signet.dashboard.template": "\(template)"])
            return Response(status: .internalServerError, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "The dashboard's templates are missing from this build.\n")))
        }
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }

    /// 303 to a dashboard page (the GET after a POST).
    func redirect(_ path: String) -> Response {
        Response(status: .seeOther, headers: [.location: Self.prefix + path])
    }

    /// The stylesheet (the only one the Content-Security-Policy allows).
    func stylesheet() throws -> Response {
        guard case .success(let renderer) = DashboardRenderer.bundled else { throw DashboardFailure.internal }
        return Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: renderer.stylesheet)))
    }

    /// The sentence of a `done=` notice after an action; only these fixed texts are ever shown,
    /// so a link cannot put words on the page.
    static func notice(_ request: Request) -> String? {
        switch request.uri.queryParameters["done"] {
        case "accepted": "You accepted the offer. The grant is below; you can revoke it at any time."
        case "declined": "You declined the offer. The party has been told."
        case "countered": "You sent your counter-offer. The party can accept or decline it."
        case "revoked": "You revoked the grant. The party can no longer use it, on any server."
        case "signed-in": "You are signed in. Your session ends after a while, or when you sign out."
        case "signed-out": "You are signed out."
        default: nil
        }
    }
}

/// What the layout shows on every page.
struct PageContext {
    let title: String
    let signedIn: Bool
    /// The session's synchronizer token, for every form.
    let csrf: String
    let nav: [NavLink]
    let notice: String?
    /// The page's own values.
    let page: Any
}

/// One navigation entry.
struct NavLink {
    let href: String
    let label: String
    let current: Bool
}

/// The values of the error page.
struct ErrorView {
    let status: Int
    let title: String
    let sentence: String
    /// Whether to explain how to sign in.
    let signIn: Bool
}
