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

    /// `GET /dashboard/sign-in?holder=…&exp=…&nonce=…&sig=…`: checks the link
    /// (``SignetService/verifySignIn(_:)``), opens a session and sets its cookie.
    ///
    /// Answers with a page that moves on to the inbox (a `meta` refresh and a link) rather
    /// than a redirect: a link opened from another application is a cross-site navigation, and
    /// a `SameSite=Strict` cookie set by it is only sent from the next, same-site, request.
    func signIn(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        func field(_ name: Substring) -> String? {
            let values = query[values: name]
            return values.count == 1 ? String(values[0]) : nil
        }
        let link = UnverifiedSignInLink(holder: field("holder") ?? "", expiry: field("exp") ?? "",
                                        nonce: field("nonce") ?? "", signature: field("sig") ?? "")
        switch try await service.verifySignIn(link) {
        case .refused(let refusal):
            throw DashboardFailure(status: refusal == .malformed ? .badRequest : .unauthorized, title: "This sign-in link does not work",
                                   sentence: refusal.sentence)
        case .verified(let verified):
            // A browser that was signed in (as anyone) gets a fresh session: never two at once.
            if let old = request.cookies[Self.cookieName]?.value { sessions.close(old) }
            let (cookie, session) = sessions.open(verified, lifetime: configuration.sessionLifetime, now: now)
            var response = page("signed-in", title: "Signed in", session: nil, SignedInView(minutes: Int(configuration.sessionLifetime / 60),
                                                                                            until: DashboardFormat.time(session.expiresAt)))
            response.setCookie(sessionCookie(cookie, maxAge: Int(configuration.sessionLifetime)))
            return response
        }
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

/// The page after signing in.
struct SignedInView {
    let minutes: Int
    let until: String
}
