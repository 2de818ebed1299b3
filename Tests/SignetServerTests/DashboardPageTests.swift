import Foundation
import HTTPTypes
import HummingbirdTesting
import SignetAPI
import SignetCore
import SignetMarket
import SignetService
import SignetWatch
import Testing

/// The dashboard's pages and actions for a signed-in holder, and what a visitor without a
/// session gets.
struct DashboardPageTests {
    static let pages = ["/dashboard/inbox", "/dashboard/grants", "/dashboard/activity", "/dashboard/earnings", "/dashboard/protocol",
                        "/dashboard/guides", "/dashboard/guides/signature", "/dashboard/guides/risk-report", "/dashboard/lockdown", "/dashboard/alerts"]

    @Test func everyPageRendersForASignedInHolderWithItsSecurityHeaders() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, _, _, _, offer) = try await GrantRoutesTests.offered(client, service)
            _ = try await GrantRoutesTests.accept(alice, offer)
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            for path in Self.pages {
                let page = try await browser.open(path)
                #expect(page.status == .ok, "\(path): \(page.status) \(page.text.prefix(300))")
                Self.expectSecurityHeaders(page, path)
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.text.contains("<a class=\"skip\" href=\"#main\">") && page.text.contains("<main id=\"main\""))
                #expect(page.text.contains("aria-current=\"page\""), "\(path) marks no current page")
                // No script, no inline style: the CSP would block them anyway.
                #expect(!page.text.contains("<script") && !page.text.contains("style="), "\(path)")
            }
            let css = try await browser.open("/dashboard/static/dashboard.css")
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8" && css.text.contains(":focus-visible"))
        }
    }

    @Test func withoutASessionPagesAre401AndTheWelcomePageExplainsSignIn() async throws {
        try await RegistrationRoutesTests.withAPI { client, _ in
            let visitor = DashboardBrowser(client)
            for path in Self.pages + ["/dashboard/grants/g_AAAAAAAAAAAAAAAAAAAAAA/receipt"] {
                let page = try await visitor.send(.get, path, headers: [:], body: nil)
                #expect(page.status == .unauthorized, "\(path): \(page.status)")
                #expect(page.text.contains("signet holder sign-in"))
                Self.expectSecurityHeaders(page, path)
            }
            for path in ["/dashboard/offers/o_AAAAAAAAAAAAAAAAAAAAAA/accept", "/dashboard/grants/g_AAAAAAAAAAAAAAAAAAAAAA/revoke", "/dashboard/sign-out",
                         "/dashboard/lockdown"] {
                #expect(try await visitor.post(path, body: Array("csrf=x".utf8)).status == .unauthorized, "\(path)")
            }
            let welcome = try await visitor.send(.get, "/dashboard", headers: [:], body: nil)
            #expect(welcome.status == .ok && welcome.text.contains("signet holder sign-in"))
            Self.expectSecurityHeaders(welcome, "/dashboard")
            // Unknown dashboard paths are an HTML 404, not the API's problem+json.
            let missing = try await visitor.send(.get, "/dashboard/nowhere/at/all", headers: [:], body: nil)
            #expect(missing.status == .notFound && missing.headers[.contentType] == "text/html; charset=utf-8")
        }
    }

    @Test func theHolderAcceptsAnOfferFromTheInbox() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, _, _, shop, offer) = try await GrantRoutesTests.offered(client, service)
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let inbox = try await browser.open("/dashboard/inbox")
            #expect(inbox.text.contains("Corner Shop: Check-in at the front desk"))
            #expect(inbox.text.contains("Risk: medium") && inbox.text.contains("action=\"/dashboard/offers/\(offer)/accept\""))
            #expect(inbox.text.contains("EUR 2.00"))
            let token: String = try #require(inbox.csrf)
            let accepted = try await browser.submit("/dashboard/offers/\(offer)/accept", token: token)
            #expect(accepted.status == .seeOther && accepted.headers[.location] == "/dashboard/grants?done=accepted")
            let grants = try await service.holderGrants(as: try #require(PrincipalID(alice.id)))
            #expect(grants.count == 1 && grants.first?.partyID == shop.id && grants.first?.offerID == offer)
            let page = try await browser.open("/dashboard/grants?done=accepted")
            #expect(page.text.contains("You accepted the offer.") && page.text.contains("Corner Shop"))
            #expect(page.text.contains("/dashboard/grants/\(try #require(grants.first).handle)/revoke"))
            // Accepting again is the workflow's conflict, with its sentence.
            let again = try await browser.submit("/dashboard/offers/\(offer)/accept", token: token)
            #expect(again.status == .conflict && again.text.contains("is accepted already"))
        }
    }

    @Test func theHolderRevokesAGrantAndDownloadsItsReceipt() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, _, _, _, offer) = try await GrantRoutesTests.offered(client, service)
            let grant = try await GrantRoutesTests.accept(alice, offer)
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let token = try await browser.token()
            try await Task.sleep(for: .milliseconds(1100))  // a checkpoint covers the grant
            let receipt = try await browser.open("/dashboard/grants/\(grant.handle)/receipt")
            #expect(receipt.status == .ok && receipt.headers[.contentType] == "application/json")
            #expect(receipt.headers[.contentDisposition] == "attachment; filename=\"signet-receipt-\(grant.handle).json\"")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(receipt.text.utf8)) as? [String: Any])
            #expect((json["proof"] as? String)?.hasPrefix("c2sp.org/tlog-proof@v1\nindex \(grant.ledgerIndex)\n") == true)
            #expect(json["receipt"] is [String: Any] && json["entry"] is String)

            let revoked = try await browser.submit("/dashboard/grants/\(grant.handle)/revoke", token: token)
            #expect(revoked.status == .seeOther && revoked.headers[.location] == "/dashboard/grants?done=revoked")
            let state = try await service.holderGrants(as: try #require(PrincipalID(alice.id))).first?.state(at: Date())
            #expect(state == .revoked)
            let again = try await browser.submit("/dashboard/grants/\(grant.handle)/revoke", token: token)
            #expect(again.status == .conflict && again.text.contains("Grant \(grant.handle) is revoked already."))
        }
    }

    @Test func theHolderDeclinesOneOfferAndCountersAnother() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, _, _, shop, first) = try await GrantRoutesTests.offered(client, service)
            let code = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code
            let second = try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(tradeCode: code, terms: OfferRoutesTests.terms())))
                .created.body.json.id
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let token = try await browser.token()
            #expect(try await browser.submit("/dashboard/offers/\(first)/decline", token: token).headers[.location] == "/dashboard/inbox?done=declined")
            let countered = try await browser.submit("/dashboard/offers/\(second)/counter",
                                                     [("max_uses", "1"), ("retention_days", "7"), ("price", "500")], token: token)
            #expect(countered.status == .seeOther && countered.headers[.location] == "/dashboard/inbox?done=countered")
            let offers = try await service.inbox(as: try #require(PrincipalID(alice.id)))
            #expect(offers.first { $0.id == first }?.status == .declined)
            let counter = try #require(offers.first { $0.id == second }?.counter)
            #expect(counter.terms.retentionDays == 7 && counter.terms.price.minorUnits == 500)
            let inbox = try await browser.open("/dashboard/inbox?done=countered")
            #expect(inbox.text.contains("You sent your counter-offer.") && inbox.text.contains("No offers are waiting for you."))
            // A counter that changes nothing is the workflow's refusal, in its words.
            let code2 = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code
            let third = try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(tradeCode: code2, terms: OfferRoutesTests.terms())))
                .created.body.json.id
            let same = try await browser.submit("/dashboard/offers/\(third)/counter", [("max_uses", "1"), ("retention_days", "30"), ("price", "200")], token: token)
            #expect(same.status == .badRequest && same.text.contains("A counter changes at least one of"))
        }
    }

    @Test func activityShowsEachEventVerifiedAgainstACheckpointAndThePictures() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, face, _, shop, offer) = try await GrantRoutesTests.offered(client, service)
            _ = try await GrantRoutesTests.accept(alice, offer)
            let token = try #require(try await shop.api.listPartyGrants().ok.body.json.grants.first?.token)
            _ = try await shop.verify(token: token, probe: face)
            try await Task.sleep(for: .milliseconds(1100))  // a checkpoint covers every event
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let page = try await browser.open("/dashboard/activity")
            #expect(page.status == .ok)
            // enroll, offer, grant, use: each checked against the same checkpoint.
            #expect(page.text.components(separatedBy: "✓ verified").count - 1 == 4)
            #expect(!page.text.contains("not verified"))
            #expect(page.text.range(of: #"against checkpoint \d+"#, options: .regularExpression) != nil)
            #expect(page.text.contains("A party used a grant") && page.text.contains("Corner Shop"))
            // The pictures: inline SVG with text alternatives.
            #expect(page.text.contains("<svg role=\"img\"") && page.text.contains("<title id=\"per-day-title\">"))
            #expect(page.text.contains("4 events in the last 30 days"))
            let grants = try await browser.open("/dashboard/grants")
            #expect(grants.text.contains("<title id=\"per-party-title\">") && grants.text.contains("Corner Shop: 1 use"))
        }
    }

    @Test func activityPagesGoFromNewestToOldest() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let template = try await alice.enroll(randomEmbedding())
            // 30 more events (one-use permissions are grants), 31 in all: two pages of 25.
            let party = try await TestParty.register(client, approveWith: service)
            for _ in 0..<30 { _ = try await alice.permission(party: party.id, template: template) }
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let newest = try await browser.open("/dashboard/activity")
            #expect(newest.text.contains("31 events in all"))
            #expect(newest.text.contains("href=\"/dashboard/activity?page=1\"") && !newest.text.contains("page=-1"))
            let older = try await browser.open("/dashboard/activity?page=1")
            #expect(older.status == .ok && older.text.contains("You enrolled a template") && older.text.contains("href=\"/dashboard/activity?page=0\""))
            #expect(!newest.text.contains("You enrolled a template"))
            #expect(try await browser.open("/dashboard/activity?page=9").text.contains("No events on this page."))
        }
    }

    @Test func lockdownNeedsItsConfirmationAndThenStopsEverything() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, _, _, shop, offer) = try await GrantRoutesTests.offered(client, service)
            _ = try await GrantRoutesTests.accept(alice, offer)
            let code = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code
            _ = try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(tradeCode: code, terms: OfferRoutesTests.terms())))
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let confirm = try await browser.open("/dashboard/lockdown")
            #expect(confirm.text.contains("Revokes 1 active grant.") && confirm.text.contains("Refuses 1 waiting offer"))
            #expect(confirm.text.contains("<label for=\"confirm\"") && confirm.text.contains("method=\"post\" action=\"/dashboard/lockdown\""))
            let token = try #require(confirm.csrf)
            let holder = try #require(PrincipalID(alice.id))

            // Without the box ticked, nothing happens; a GET never locks anything down.
            let unconfirmed = try await browser.submit("/dashboard/lockdown", token: token)
            #expect(unconfirmed.status == .badRequest && unconfirmed.text.contains("Tick the box"))
            #expect(try await service.holderGrants(as: holder).first?.state(at: Date()) == .active)

            let done = try await browser.submit("/dashboard/lockdown", [("confirm", "yes")], token: token)
            #expect(done.status == .seeOther && done.headers[.location] == "/dashboard/lockdown?done=locked")
            #expect(try await service.holderGrants(as: holder).allSatisfy { $0.state(at: Date()) == .revoked })
            #expect(try await service.inbox(as: holder).allSatisfy { $0.status != .pending })
            let after = try await browser.open("/dashboard/lockdown?done=locked")
            #expect(after.text.contains("Everything is locked down: 1 grant revoked, 1 offer refused, 1 template locked"))
            #expect(after.text.contains("Revokes 0 active grants."))
            // The outcome is shown once, and a crafted link shows nothing.
            #expect(!(try await browser.open("/dashboard/lockdown?done=locked").text.contains("Everything is locked down")))
        }
    }

    @Test func alertsShowWhatTheWatchFoundAndPointToLockdown() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let (alice, _, _, shop, _) = try await GrantRoutesTests.offered(client, service)
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let none = try await browser.open("/dashboard/alerts")
            #expect(none.status == .ok && none.text.contains("No alerts."))
            let finding = Finding(rule: .auction, time: Date(), parties: [shop.id], holders: [alice.id], summary: "a ring of new parties")
            try await service.stores.watch.record(FindingRecord(finding, ledgerIndex: nil), alerts: HolderAlert.alerts(for: finding))
            let page = try await browser.open("/dashboard/alerts")
            #expect(page.text.contains("Your signature may be for sale") && page.text.contains("Corner Shop"))
            #expect(page.text.contains("Consider a lockdown") && page.text.contains("href=\"/dashboard/lockdown\""))
            // Another holder sees none of it.
            let bob = try await TestHolder.register(client)
            var other = try await DashboardBrowser.signedIn(client, as: bob, service: service)
            #expect(try await other.open("/dashboard/alerts").text.contains("No alerts."))
        }
    }

    @Test func theInboxShowsOpenOffersTwentyAtATime() async throws {
        try await RegistrationRoutesTests.withAPI { client, service in
            let alice = try await TestHolder.register(client)
            let shop = try await TestParty.register(client, approveWith: service)
            var ids: [String] = []
            for _ in 0..<21 {
                let code = try await alice.api.createTradeCode(headers: .init(contentDigest: digest), body: .json(.init())).created.body.json.code
                ids.append(try await shop.api.createOffer(headers: .init(contentDigest: digest), body: .json(.init(tradeCode: code, terms: OfferRoutesTests.terms())))
                    .created.body.json.id)
            }
            var browser = try await DashboardBrowser.signedIn(client, as: alice, service: service)
            let first = try await browser.open("/dashboard/inbox")
            #expect(first.text.contains("Waiting for your answer (21)") && first.text.contains("href=\"/dashboard/inbox?page=1\""))
            #expect(first.text.contains(ids[20]) && !first.text.contains(ids[0]))
            let second = try await browser.open("/dashboard/inbox?page=1")
            #expect(second.text.contains(ids[0]) && second.text.contains("href=\"/dashboard/inbox?page=0\""))
        }
    }

    static func expectSecurityHeaders(_ page: DashboardPage, _ path: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(page.headers[.contentSecurityPolicy] ==
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                "\(path)", sourceLocation: sourceLocation)
        #expect(page.headers[.xContentTypeOptions] == "nosniff", "\(path)", sourceLocation: sourceLocation)
        #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", "\(path)", sourceLocation: sourceLocation)
        if !path.hasSuffix(".css") {
            #expect(page.headers[.cacheControl] == "no-store", "\(path)", sourceLocation: sourceLocation)
        }
    }
}
