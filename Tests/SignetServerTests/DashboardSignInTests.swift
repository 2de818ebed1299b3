import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import SignetAPI
import SignetCore
import SignetService
import Testing

/// Signing in to the dashboard with a link the holder's key signed, and the session after.
struct DashboardSignInTests {
    @Test func aValidLinkOpensASessionWithAStrictCookie() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            var browser = DashboardBrowser(client)
            let path = try DashboardBrowser.signInPath(holder: alice.id, key: alice.key, service: service)
            // Opening the link changes nothing: it asks to confirm with a button.
            let confirm = try await browser.open(path)
            #expect(confirm.status == .ok && confirm.text.contains("action=\"/dashboard/sign-in\"") && confirm.text.contains(alice.id))
            #expect(confirm.headers[values: .setCookie].isEmpty && browser.cookie == nil)
            let page = try await browser.signIn(path)
            #expect(page.status == .seeOther && page.headers[.location] == "/dashboard/inbox?done=signed-in")
            let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("signet_session=") })
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/dashboard", "Max-Age=1800"] {
                #expect(cookie.localizedCaseInsensitiveContains(attribute), "cookie lacks \(attribute): \(cookie)")
            }
            // Served over http here, so not Secure (a browser would drop a Secure cookie on http).
            #expect(!cookie.localizedCaseInsensitiveContains("Secure"))
            let inbox = try await browser.open("/dashboard/inbox?done=signed-in")
            #expect(inbox.status == .ok && inbox.text.contains("You are signed in."))
            // The welcome page sends a signed-in holder on to the inbox.
            let welcome = try await browser.open("/dashboard")
            #expect(welcome.status == .seeOther && welcome.headers[.location] == "/dashboard/inbox")
        }
    }

    @Test func theCookieIsSecureBehindHTTPS() async throws {
        var configuration = ServiceConfiguration()
        configuration.publicURL = "https://signet.example"
        try await RegistrationRoutesTests.withAPI(configuration: configuration) { client, service in
            let alice = try await TestHolder.register(client)
            var browser = DashboardBrowser(client)
            let page = try await browser.signIn(try DashboardBrowser.signInPath(holder: alice.id, key: alice.key, service: service))
            #expect(page.status == .seeOther)
            let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("signet_session=") })
            #expect(cookie.contains("; Secure"))
        }
    }

    @Test func anExpiredLinkIsRefused() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            var browser = DashboardBrowser(client)
            let path = try DashboardBrowser.signInPath(holder: alice.id, key: alice.key, service: service, now: Date().addingTimeInterval(-200))
            let page = try await browser.signIn(path)
            #expect(page.status == .unauthorized && page.text.contains("expired"))
            #expect(browser.cookie == nil)
        }
    }

    @Test func aLinkWorksOnce() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let path = try DashboardBrowser.signInPath(holder: alice.id, key: alice.key, service: service)
            // A link preview fetching the link spends nothing.
            #expect(try await DashboardBrowser(client).send(.get, path, headers: [:], body: nil).status == .ok)
            var first = DashboardBrowser(client)
            #expect(try await first.signIn(path).status == .seeOther)
            var second = DashboardBrowser(client)
            let replay = try await second.signIn(path)
            #expect(replay.status == .unauthorized && replay.text.contains("used already"))
            #expect(second.cookie == nil)
            // A refused link used in a signed-in browser leaves its session alone.
            let again = try await first.signIn(path)
            #expect(again.status == .unauthorized && !again.headers[values: .setCookie].contains { $0.hasPrefix("signet_session=") })
            #expect(try await first.open("/dashboard/inbox").status == .ok)
        }
    }

    @Test func aLinkSignedByAnotherKeyIsRefused() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let mallory = try await TestHolder.register(client)
            // Mallory's key, Alice's id; and a key nobody registered.
            for key in [mallory.key, Curve25519.Signing.PrivateKey()] {
                var browser = DashboardBrowser(client)
                let page = try await browser.signIn(try DashboardBrowser.signInPath(holder: alice.id, key: key, service: service))
                #expect(page.status == .unauthorized && page.text.contains("not signed by a registered holder"))
                #expect(browser.cookie == nil)
            }
            // A well-formed holder id nobody registered gets the same answer.
            let stranger = Curve25519.Signing.PrivateKey()
            var strangerBrowser = DashboardBrowser(client)
            let unknown = try await strangerBrowser.signIn(
                try DashboardBrowser.signInPath(holder: "h_" + Base64.encodeURL([UInt8](repeating: 7, count: 16)), key: stranger, service: service))
            #expect(unknown.status == .unauthorized && unknown.text.contains("not signed by a registered holder"))
        }
    }

    /// Every field is covered by the signature; a link for another server does not work here.
    @Test(arguments: ["holder", "exp", "nonce", "sig", "server"])
    func aTamperedLinkIsRefused(_ field: String) async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let bob = try await TestHolder.register(client)
            var path = try DashboardBrowser.signInPath(holder: alice.id, key: alice.key, service: service)
            var parts = URLComponents(string: path)!
            var items = parts.queryItems!
            func replace(_ name: String, _ transform: (String) -> String) {
                let index = items.firstIndex { $0.name == name }!
                items[index].value = transform(items[index].value!)
            }
            switch field {
            case "holder": replace("holder") { _ in bob.id }
            case "exp": replace("exp") { String(Int($0)! - 1) }
            case "nonce": replace("nonce") { _ in Base64.encodeURL([UInt8](repeating: 1, count: 16)) }
            case "sig": replace("sig") { Base64.encodeURL(Base64.decodeURL($0)!.map { $0 ^ 1 }) }
            default: path = try DashboardBrowser.signInPath(holder: alice.id, key: alice.key, service: service, base: "http://signet.elsewhere")
            }
            if field != "server" {
                parts.queryItems = items
                path = parts.string!
            }
            var browser = DashboardBrowser(client)
            let page = try await browser.signIn(path)
            #expect(page.status == .unauthorized && page.text.contains("not signed by a registered holder"), "\(field): \(page.status)")
            #expect(browser.cookie == nil)
        }
    }

    /// Another site cannot sign a browser in (to anyone's dashboard) by posting a link's fields.
    @Test func aSignInPostedFromAnotherSiteIsRefused() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let mallory = try await TestHolder.register(client)
            let path = try DashboardBrowser.signInPath(holder: mallory.id, key: mallory.key, service: service)
            let site = HTTPField.Name("Sec-Fetch-Site")!
            for headers: HTTPFields in [[site: "cross-site"], [.origin: "https://evil.example"]] {
                var victim = DashboardBrowser(client)
                let page = try await victim.signIn(path, headers: headers)
                #expect(page.status == .forbidden && victim.cookie == nil, "\(headers)")
            }
            // The refusal spent nothing: Mallory's own browser can still use the link.
            var own = DashboardBrowser(client)
            #expect(try await own.signIn(path).status == .seeOther)
        }
    }

    /// The confirmation's fields are checked again: a forged POST is no shortcut.
    @Test func aForgedConfirmationIsRefused() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            var browser = DashboardBrowser(client)
            let fields = [("holder", alice.id), ("exp", String(Int(Date().timeIntervalSince1970) + 60)),
                          ("nonce", Base64.encodeURL([UInt8](repeating: 9, count: 16))), ("sig", Base64.encodeURL([UInt8](repeating: 0, count: 64)))]
            let page = try await browser.submit("/dashboard/sign-in", fields)
            #expect(page.status == .unauthorized && browser.cookie == nil)
            #expect(try await browser.submit("/dashboard/sign-in", [("holder", alice.id)]).status == .badRequest)
            #expect(try await browser.post("/dashboard/sign-in", body: Array(String(repeating: "x", count: 20_000).utf8)).status == .contentTooLarge)
        }
    }

    @Test(arguments: [
        "/dashboard/sign-in",
        "/dashboard/sign-in?holder=h_x&exp=1&nonce=a&sig=b",
        "/dashboard/sign-in?holder=%00&exp=-5&nonce=%FF&sig=",
        "/dashboard/sign-in?exp=99999999999999999999999",
    ])
    func aMalformedLinkIs400(_ path: String) async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let page = try await DashboardBrowser(client).send(.get, path, headers: [:], body: nil)
            #expect(page.status == .badRequest && page.text.contains("incomplete or damaged"))
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
        }
    }

    @Test func aLinkClaimingALongLifeIsRefused() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let expiry = String(Int(Date().timeIntervalSince1970) + 600)
            let nonce = Base64.encodeURL([UInt8](repeating: 3, count: 16))
            let signature = try alice.key.signature(for: DashboardSignIn.message(publicURL: service.publicURL.current, holder: alice.id, expiry: expiry, nonce: nonce))
            let page = try await DashboardBrowser(client).send(
                .get, "/dashboard/sign-in?holder=\(alice.id)&exp=\(expiry)&nonce=\(nonce)&sig=\(Base64.encodeURL(signature))", headers: [:], body: nil)
            #expect(page.status == .unauthorized && page.text.contains("more than two minutes"))
        }
    }

    @Test func aSessionEndsOnTheServerAfterItsLifetime() async throws {
        let clock = TestClock()
        try await RegistrationRoutesTests.withAPI(configuration: ServiceConfiguration(now: { clock.now() })) { client, service in
            let alice = try await TestHolder.register(client)
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let stolen = try #require(browser.cookie)
            clock.advance(29 * 60)
            #expect(try await browser.open("/dashboard/grants").status == .ok)
            clock.advance(2 * 60)
            // The browser still sends the cookie; the server no longer knows the session.
            let expired = try await DashboardBrowser(client, cookie: stolen).send(.get, "/dashboard/grants", headers: [:], body: nil)
            #expect(expired.status == .unauthorized && expired.text.contains("signet holder sign-in"))
        }
    }

    @Test func signingOutEndsTheSessionEverywhereItsCookieWent() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let copied = try #require(browser.cookie)
            let token = try await browser.token()
            let out = try await browser.submit("/dashboard/sign-out", token: token)
            #expect(out.status == .seeOther && out.headers[.location] == "/dashboard?done=signed-out")
            #expect(out.headers[values: .setCookie].contains { $0.hasPrefix("signet_session=;") && $0.contains("Max-Age=0") })
            #expect(try await DashboardBrowser(client, cookie: copied).send(.get, "/dashboard/inbox", headers: [:], body: nil).status == .unauthorized)
            let welcome = try await DashboardBrowser(client).send(.get, "/dashboard?done=signed-out", headers: [:], body: nil)
            #expect(welcome.status == .ok && welcome.text.contains("You are signed out."))
        }
    }

    @Test func aRotatedKeyEndsTheSessionsItOpened() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            // The operator revokes Alice's key (a stolen device): her open session ends with it.
            _ = try await service.revokeKey(of: alice.id)
            #expect(try await browser.open("/dashboard/inbox").status == .unauthorized)
        }
    }

    /// A forged cookie never reaches a page: unknown, malformed, or a sign-in link's fields.
    @Test(arguments: ["", "x", String(repeating: "A", count: 43), String(repeating: "%", count: 5000), "../../etc/passwd"])
    func aForgedCookieIsNotASession(_ cookie: String) async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let page = try await DashboardBrowser(client, cookie: cookie).send(.get, "/dashboard/inbox", headers: [:], body: nil)
            #expect(page.status == .unauthorized)
        }
    }
}
