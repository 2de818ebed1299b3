import Foundation
import HTTPTypes
import HummingbirdTesting
import InMemoryLogging
import Logging
import Hummingbird
import SignetAPI
import SignetCore
import SignetMarket
import SignetServer
import SignetService
import Synchronization
import Testing

/// What a forged, hostile or confused request to the dashboard gets: a clear 4xx page, never a
/// crash, a 500 or a change.
struct DashboardHostileInputTests {
    /// Alice signed in, with the shop's pending offer in her inbox.
    static func scene(_ client: any TestClientProtocol, _ service: SignetService) async throws
        -> (browser: DashboardBrowser, token: String, offer: String, alice: TestHolder) {
        let (alice, _, _, _, offer) = try await GrantRoutesTests.offered(client, service)
        var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
        return (browser, try await browser.token(), offer, alice)
    }

    static func pendingOffers(_ service: SignetService, _ alice: TestHolder) async throws -> Int {
        try await service.inbox(as: try #require(PrincipalID(alice.id))).filter { $0.status == .pending }.count
    }

    @Test func aFormWithoutTheSessionsTokenIsRefused() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            var (browser, token, offer, alice) = try await Self.scene(client, service)
            let path = "/dashboard/offers/\(offer)/accept"
            #expect(try await browser.submit(path).status == .forbidden)
            #expect(try await browser.submit(path, token: "").status == .forbidden)
            #expect(try await browser.submit(path, token: String(token.dropLast()) + (token.hasSuffix("A") ? "B" : "A")).status == .forbidden)
            // Another holder's valid token is not this session's.
            let bob = try await TestHolder.register(client)
            var other = try await DashboardBrowser.signedIn(client, as: bob, service: service)
            let page = try await browser.submit(path, token: try await other.token())
            #expect(page.status == .forbidden && page.text.contains("security token"))
            #expect(try await Self.pendingOffers(service, alice) == 1)
        }
    }

    @Test func aFormFromAnotherSiteIsRefusedEvenWithTheToken() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            var (browser, token, offer, alice) = try await Self.scene(client, service)
            let path = "/dashboard/offers/\(offer)/decline"
            let site = HTTPField.Name("Sec-Fetch-Site")!
            for headers: HTTPFields in [[.origin: "https://evil.example"], [.origin: "http://127.0.0.1:8081"], [site: "cross-site"], [site: "same-site"],
                                        [.origin: "null", site: "cross-site"], [site: "none"]] {
                #expect(try await browser.submit(path, token: token, headers: headers).status == .forbidden, "\(headers)")
            }
            #expect(try await Self.pendingOffers(service, alice) == 1)
            // The same form from the dashboard's own origin goes through.
            let ok = try await browser.submit(path, token: token, headers: [.origin: "http://127.0.0.1:8080", site: "same-origin"])
            #expect(ok.status == .seeOther)
            // What Chromium sends from a page with Referrer-Policy: no-referrer: Origin null, same-origin.
            let code = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code
            let shop = try await TestParty.register(client, approveWith: service)
            let next = try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(tradeCode: code, terms: OfferRoutesTests.terms())))
                .created.body.json.id
            let chromium = try await browser.submit("/dashboard/offers/\(next)/decline", token: token, headers: [.origin: "null", site: "same-origin"])
            #expect(chromium.status == .seeOther)
        }
    }

    @Test(arguments: [
        "/dashboard/offers/o_AAAAAAAAAAAAAAAAAAAAAA/accept",  // well-formed, unknown
        "/dashboard/offers/not-an-offer/decline",
        "/dashboard/offers/\(String(repeating: "o", count: 3000))/counter",
        "/dashboard/grants/g_AAAAAAAAAAAAAAAAAAAAAA/revoke",
        "/dashboard/grants/%00%FF/revoke",
        "/dashboard/nothing-here",
    ])
    func unknownOffersAndGrantsAre404Pages(_ path: String) async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            var (browser, token, _, _) = try await Self.scene(client, service)
            let page = try await browser.submit(path, [("max_uses", "2")], token: token)
            #expect(page.status == .notFound, "\(path): \(page.status)")
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
        }
    }

    @Test func anUnknownGrantsReceiptIs404() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            var (browser, _, _, _) = try await Self.scene(client, service)
            #expect(try await browser.open("/dashboard/grants/g_AAAAAAAAAAAAAAAAAAAAAA/receipt").status == .notFound)
            #expect(try await browser.open("/dashboard/grants/bogus/receipt").status == .notFound)
        }
    }

    /// Malformed and oversized forms: each a 4xx page, and the offer stays pending.
    @Test(arguments: [
        ("max_uses=abc", HTTPResponse.Status.badRequest),
        ("max_uses=-1", .badRequest),
        ("max_uses=99999999999999999999999", .badRequest),
        ("price=1e9", .badRequest),
        ("max_uses=%zz", .badRequest),
        ("max_uses=%C3%28", .badRequest),  // not UTF-8
        ("max_uses=1%0A2", .badRequest),  // a control character
        ("max_uses=1&max_uses=2", .badRequest),
        (Array(repeating: "a=1", count: 40).joined(separator: "&"), .badRequest),
        ("retention_days=" + String(repeating: "9", count: 600), .badRequest),
        ("price=" + String(repeating: "x", count: 40_000), .contentTooLarge),
    ])
    func hostileFormsAre4xxPages(_ fields: String, _ status: HTTPResponse.Status) async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (browser, token, offer, alice) = try await Self.scene(client, service)
            let page = try await browser.post("/dashboard/offers/\(offer)/counter", body: Array("csrf=\(token)&\(fields)".utf8))
            #expect(page.status == status, "\(fields.prefix(40)): \(page.status) \(page.text.prefix(200))")
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(try await Self.pendingOffers(service, alice) == 1)
        }
    }

    @Test func aFormOfAnotherMediaTypeIs415() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (browser, token, offer, _) = try await Self.scene(client, service)
            let page = try await browser.post("/dashboard/offers/\(offer)/accept", body: Array("{\"csrf\":\"\(token)\"}".utf8),
                                              headers: [.contentType: "application/json"])
            #expect(page.status == .unsupportedMediaType)
        }
    }

    @Test(arguments: ["page=abc", "page=-1", "page=10000", "page=1&page=2", "page=%00"])
    func aBadPageNumberIs400(_ query: String) async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            var (browser, _, _, _) = try await Self.scene(client, service)
            #expect(try await browser.open("/dashboard/activity?\(query)").status == .badRequest)
            #expect(try await browser.open("/dashboard/inbox?\(query)").status == .badRequest)
        }
    }

    /// Whatever a party writes into an offer is shown as text, never as markup.
    @Test func offerTextIsEscaped() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            _ = try await alice.enroll(randomEmbedding())
            let shop = try await TestParty.register(client, approveWith: service)
            let code = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code
            var terms = OfferRoutesTests.terms()
            terms.purposeText = "<script>alert(1)</script>\" onmouseover=\"x"
            _ = try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(tradeCode: code, terms: terms))).created
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let page = try await browser.open("/dashboard/inbox")
            #expect(!page.text.contains("<script>") && page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x"))
        }
    }

    /// A sign-in link's query names the holder: the request log leaves it out.
    @Test func theRequestLogNeverHoldsASignInLink() async throws {
        let logs = InMemoryLogHandler()
        var traced = Logger(label: "dashboard-privacy") { _ in logs }
        traced.logLevel = .trace
        let logger = traced
        let secrets = Mutex<[String]>([])
        try await RegistrationRoutesTests.withService { service in
            let app = Application(router: SignetApplication.router(ledger: service.ledger, service: service, logger: logger), logger: logger)
            try await app.test(.router) { client in
                let (alice, _, _, _, offer) = try await GrantRoutesTests.offered(client, service)
                let path = try DashboardBrowser.signInPath(holder: alice.id, key: alice.key, service: service)
                var browser = DashboardBrowser(client)
                _ = try await browser.signIn(path)
                let token = try await browser.token()
                _ = try await browser.submit("/dashboard/offers/\(offer)/accept", token: token)
                _ = try await browser.open("/dashboard/activity")
                let query = try #require(URLComponents(string: path)?.queryItems)
                secrets.withLock { $0 = [alice.id, token, try! #require(browser.cookie)] + query.compactMap(\.value) }
            }
        }
        let lines = logs.entries.map { "\($0.message) \($0.metadata.map { "\($0.key)=\($0.value)" }.joined(separator: " "))" }
        #expect(lines.contains { $0.contains("/dashboard/sign-in?…") } && lines.contains { $0.contains("/dashboard/sign-in") && !$0.contains("?") })
        for secret in secrets.withLock({ $0 }) where secret.count >= 6 {
            #expect(!lines.contains { $0.contains(secret) }, "\(secret.prefix(8))… is in the log")
        }
    }
}
