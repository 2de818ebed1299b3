import Foundation
import HTTPTypes
import Hummingbird
import SignetService

/// Signing in with a link the holder's key signed, and signing out.
extension DashboardRoutes {
    /// `GET /dashboard`: how to sign in, or on to the inbox for a signed-in holder.
    func welcome(_ request: Request) async throws -> Response {
        if try await currentSession(request) != nil { return redirect("/inbox") }
        return page("welcome", title: "Your Signet dashboard", session: nil, notice: Self.notice(request), WelcomeView())
    }

    /// `GET /dashboard/sign-in?holder=…&exp=…&nonce=…&sig=…`: checks the link without using
    /// it, and asks the holder to confirm with a button (a POST to the same address).
    ///
    /// Deliberate: opening the link changes nothing. A link preview or a mail scanner that
    /// fetches it neither spends it nor gets a session, and a page of another site cannot sign
    /// a browser in to someone else's dashboard by navigating it to a link (login CSRF): the
    /// session is opened only by the same-origin POST, whose response's cookie the next page
    /// then carries (`SameSite=Strict` cookies set during a cross-site navigation are not sent
    /// until a same-site request).
    func signInPage(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        func field(_ name: Substring) -> String {
            let values = query[values: name]
            return values.count == 1 ? String(values[0]) : ""
        }
        let link = UnverifiedSignInLink(holder: field("holder"), expiry: field("exp"), nonce: field("nonce"), signature: field("sig"))
        switch try await service.verifySignIn(link, spend: false) {
        case .refused(let refusal):
            throw Self.failure(refusal)
        case .verified:
            let expiry = Int64(link.expiry).map { DashboardFormat.time(Date(timeIntervalSince1970: TimeInterval($0))) } ?? ""
            return page("sign-in", title: "Sign in", session: nil, SignInView(
                holder: link.holder, expiry: link.expiry, nonce: link.nonce, signature: link.signature, until: expiry))
        }
    }

    /// `POST /dashboard/sign-in` (the confirmation): checks the link again and spends it
    /// (``SignetService/verifySignIn(_:spend:)``), opens a session, sets its cookie and goes on
    /// to the inbox.
    /// - Throws: ``DashboardFailure`` 403 from another site, 400/401 for the link's refusal.
    func signIn(_ request: Request) async throws -> Response {
        guard isSameOrigin(request) else { throw DashboardFailure.forgedForm }
        let form = try await self.form(request)
        let link = UnverifiedSignInLink(holder: form["holder"] ?? "", expiry: form["exp"] ?? "", nonce: form["nonce"] ?? "", signature: form["sig"] ?? "")
        switch try await service.verifySignIn(link) {
        case .refused(let refusal):
            throw Self.failure(refusal)
        case .verified(let verified):
            // A browser that was signed in (as anyone) gets a fresh session: never two at once.
            if let old = cookie(request) { sessions.close(old) }
            let (cookie, _) = sessions.open(verified, lifetime: configuration.sessionLifetime, now: now)
            var response = redirect("/inbox?done=signed-in")
            response.setCookie(sessionCookie(cookie, maxAge: Int(configuration.sessionLifetime)))
            return response
        }
    }

    /// The page of a refused link.
    static func failure(_ refusal: SignInRefusal) -> DashboardFailure {
        DashboardFailure(status: refusal == .malformed ? .badRequest : .unauthorized, title: "This sign-in link does not work",
                         sentence: refusal.sentence)
    }

    /// `POST /dashboard/sign-out`: ends the session here and clears the cookie.
    func signOut(_ request: Request) async throws -> Response {
        _ = try await submission(request)
        if let cookie = request.cookies[Self.cookieName]?.value { sessions.close(cookie) }
        var response = redirect("?done=signed-out")
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }
}

/// The welcome page has no values of its own.
struct WelcomeView {}

/// The confirmation page of a sign-in link: its fields, sent back by the form.
struct SignInView {
    let holder: String
    let expiry: String
    let nonce: String
    let signature: String
    /// When the link stops working.
    let until: String
}
