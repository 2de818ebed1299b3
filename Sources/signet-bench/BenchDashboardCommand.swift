import ArgumentParser
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import SignetCore
import SignetMarket
import SignetServer
import SignetService
import SignetStore
import SignetVault

/// `signet-bench dashboard`: how long the server takes to render each dashboard page for a
/// holder with a long history, read from the `Server-Timing` header every dashboard response
/// carries (the handler's own time: workflows, proof checks and the template), next to the
/// round trip over loopback.
struct BenchDashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Server time per dashboard page (p50/p90/p99) for one holder with --events ledger events, on a temporary SQLite store.")

    @Option(help: "Ledger events of the holder (offers, grants and permissions), at least 10.") var events = 1_000
    @Option(help: "Requests per page.") var requests = 200
    @Option(help: "Pages to measure, comma-separated (default: every page).")
    var pages = "inbox,grants,activity,activity?page=10,alerts,earnings,protocol,lockdown,guides/risk-report"
    @Flag(help: "Also time the workflows the pages call, alone (20 calls each), to tell store time from rendering.") var workflows = false

    func validate() throws {
        guard events >= 10, events <= 100_000 else { throw ValidationError("--events must be 10 to 100000") }
        guard requests >= 1, requests <= 100_000 else { throw ValidationError("--requests must be 1 to 100000") }
    }

    func run() async throws {
        let vault = try VaultConfiguration(dimension: 32, alpha: 4, kdf: .insecureTesting)
        let server = try await ThrowawayServer.start(origin: "bench.example/log", vault: vault, configuration: ServiceConfiguration().withoutRateLimits()) {
            try await Stores.open(.embedded(dataDirectory: $0))
        }
        do {
            let cookie = try await prepare(server)
            print("signet-bench dashboard: one holder with \(events) events, \(requests) requests per page, SQLite, debug=\(Self.isDebug)")
            print("page".padding(toLength: 22, withPad: " ", startingAt: 0) + "   bytes   server p50   p90    p99 ms   round trip p50 ms")
            for page in pages.split(separator: ",").map(String.init) {
                try await measure(page, base: server.base, cookie: cookie)
            }
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// A holder, five parties and `events` events: offers (half of them accepted into grants)
    /// and one-use permissions; then a sign-in. Returns the session cookie.
    private func prepare(_ server: ThrowawayServer) async throws -> String {
        let service = server.service
        let key = Curve25519.Signing.PrivateKey()
        let holder = try service.newHolder(publicKey: Array(key.publicKey.rawRepresentation))
        try await service.register(holder)
        let caller = holder.id.principal
        let template = try await service.enroll(samples: [EmbeddingInput((0..<32).map { _ in Float.random(in: -1...1) })], as: caller).id
        var parties: [PartyID] = []
        for index in 0..<5 {
            let party = try service.newParty(name: "Bench Party \(index)", contact: "ops\(index)@bench.example", publicKey: Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation))
            try await service.register(party)
            _ = try await service.approve(party: party.id.rawValue)
            parties.append(party.id)
        }
        var made = 1  // the enrollment
        let offers = min(100, (events - 1) / 3)
        for index in 0..<offers {
            let code = try await service.issueTradeCode(as: caller).code
            let terms = OfferTerms(scope: .verify, purpose: "dpv:IdentityVerification", purposeText: "Bench offer \(index)", retentionDays: 30, maxUses: 10,
                                   validityDays: 30, expiresAt: Date().addingTimeInterval(86_400), price: .init(minorUnits: 100 + Int64(index), currency: "EUR"))
            let offer = try await service.makeOffer(terms, tradeCode: code, as: parties[index % parties.count].principal).offer
            made += 1
            if index.isMultiple(of: 2) {
                _ = try await service.accept(offer: offer.id, as: caller)
                made += 1
            }
        }
        while made < events {
            _ = try await service.permit(PermissionRequest(templateID: template.rawValue, partyID: parties[made % parties.count].rawValue), as: caller)
            made += 1
        }
        // Let a checkpoint cover every event, as it would on a server that has been up a while.
        try await Task.sleep(for: .milliseconds(1_200))
        if workflows {
            let clock = ContinuousClock()
            for (name, work) in [("inbox", { _ = try await service.inbox(as: caller) }), ("holderGrants", { _ = try await service.holderGrants(as: caller) }),
                                 ("timeline", { _ = try await service.activityTimeline(as: caller) }), ("activity25", { _ = try await service.activity(as: caller, limit: 25) }),
                                 ("profile", { _ = try await service.profile(as: caller) }), ("pending", { _ = try await service.pendingProtocols() }),
                                 ("earnings", { _ = try await service.earnings(as: caller) })] as [(String, () async throws -> Void)] {
                for _ in 0..<3 { try await work() }
                let start = clock.now
                for _ in 0..<20 { try await work() }
                let mean = (clock.now - start) / 20
                print("workflow \(name)".padding(toLength: 24, withPad: " ", startingAt: 0)
                      + String(format: "%8.2f ms", Double(mean.components.attoseconds) / 1e15 + Double(mean.components.seconds) * 1e3))
            }
        }
        // Sign in as a browser does: the link's fields, posted by the button of its page.
        let base = server.base.absoluteString.trimmingCharacters(in: ["/"])
        let link = try DashboardSignIn.link(base: base, holder: holder.id.rawValue, key: key)
        var request = URLRequest(url: URL(string: base + "/dashboard/sign-in")!)
        request.httpMethod = "POST"
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.setValue("same-origin", forHTTPHeaderField: "Sec-Fetch-Site")
        request.httpBody = Data((URLComponents(string: link)?.percentEncodedQuery ?? "").utf8)
        let signingIn = URLSession(configuration: Self.sessionConfiguration, delegate: NoRedirects(), delegateQueue: nil)
        let (_, response) = try await signingIn.data(for: request)
        guard let http = response as? HTTPURLResponse, http.statusCode == 303,
              let setCookie = http.value(forHTTPHeaderField: "Set-Cookie"), setCookie.hasPrefix("signet_session=") else {
            throw ValidationError("the sign-in link did not open a session")
        }
        return String(setCookie.prefix { $0 != ";" })
    }

    private func measure(_ page: String, base: URL, cookie: String) async throws {
        var request = URLRequest(url: URL(string: base.absoluteString.trimmingCharacters(in: ["/"]) + "/dashboard/" + page)!)
        request.setValue(cookie, forHTTPHeaderField: "Cookie")
        var server = LatencySamples(), trip = LatencySamples()
        var bytes = 0
        let clock = ContinuousClock()
        for round in 0..<(requests + 5) {
            let start = clock.now
            let (body, response) = try await session.data(for: request)
            let elapsed = clock.now - start
            guard let http = response as? HTTPURLResponse, http.statusCode == 200, let timing = http.value(forHTTPHeaderField: "Server-Timing"),
                  let milliseconds = Double(timing.replacingOccurrences(of: "app;dur=", with: "")) else {
                throw ValidationError("/dashboard/\(page) answered \((response as? HTTPURLResponse)?.statusCode ?? 0) without Server-Timing")
            }
            // The first few warm caches and connections; they are not counted.
            guard round >= 5 else { continue }
            server.append(.nanoseconds(Int64(milliseconds * 1e6)))
            trip.append(elapsed)
            bytes = body.count
        }
        func f(_ value: Double) -> String { String(format: "%.2f", value) }
        print(page.padding(toLength: 22, withPad: " ", startingAt: 0) + String(format: "%8d", bytes) + "   "
              + [f(server.percentile(50)), f(server.percentile(90)), f(server.percentile(99))].joined(separator: "   ") + "      " + f(trip.percentile(50)))
    }

    /// One client for the run; cookies are set by hand, so the jar stays out of it.
    private static var sessionConfiguration: URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpShouldSetCookies = false
        return configuration
    }

    private static let client = URLSession(configuration: sessionConfiguration)

    private var session: URLSession { Self.client }

    private static var isDebug: Bool {
        #if DEBUG
        true
        #else
        false
        #endif
    }
}

/// Keeps a redirect's response (the sign-in's 303 carries the session cookie).
private final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
    }
}
