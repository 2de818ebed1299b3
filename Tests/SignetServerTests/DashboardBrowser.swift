import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import SignetAPI
import SignetCore
import SignetService
import Testing

/// A dashboard page as a test reads it.
struct DashboardPage: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let text: String

    /// The session's synchronizer token, as the page's forms carry it.
    var csrf: String? {
        guard let range = text.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }
}

/// A browser in a test: a cookie jar of one session cookie over Hummingbird's test client.
struct DashboardBrowser: Sendable {
    let client: any TestClientProtocol
    var cookie: String?

    init(_ client: any TestClientProtocol, cookie: String? = nil) {
        self.client = client
        self.cookie = cookie
    }

    /// A browser signed in as `holder` through a fresh link.
    static func signedIn(_ client: any TestClientProtocol, as holder: TestHolder, service: SignetService) async throws -> DashboardBrowser {
        var browser = DashboardBrowser(client)
        let page = try await browser.signIn(try signInPath(holder: holder.id, key: holder.key, service: service))
        #expect(page.status == .seeOther, "sign-in answered \(page.status): \(page.text.prefix(400))")
        #expect(browser.cookie != nil)
        return browser
    }

    /// What a holder does with a link: opens it, then presses "Sign in" on the page it shows
    /// (the form sends the link's fields back). Returns the first refusal, or the answer to the
    /// button.
    mutating func signIn(_ path: String, headers: HTTPFields = [HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]) async throws -> DashboardPage {
        let confirm = try await open(path)
        guard confirm.status == .ok else { return confirm }
        var fields: [(String, String)] = []
        for name in ["holder", "exp", "nonce", "sig"] {
            guard let range = confirm.text.range(of: "name=\"\(name)\" value=\"") else { return confirm }
            fields.append((name, String(confirm.text[range.upperBound...].prefix { $0 != "\"" })))
        }
        return try await submit("/dashboard/sign-in", fields, headers: headers)
    }

    /// The path and query of a sign-in link, as `signet holder sign-in` makes it.
    static func signInPath(holder: String, key: Curve25519.Signing.PrivateKey, service: SignetService, now: Date = Date(),
                           base: String? = nil) throws -> String {
        let base = base ?? service.publicURL.current
        let link = try DashboardSignIn.link(base: base, holder: holder, key: key, now: now)
        return String(link.dropFirst(base.count))
    }

    /// GETs `path`, keeping a cookie the response sets.
    mutating func open(_ path: String, headers: HTTPFields = [:]) async throws -> DashboardPage {
        let page = try await send(.get, path, headers: headers, body: nil)
        remember(page)
        return page
    }

    /// POSTs `fields` as a form to `path`, with the session's token unless `csrf` names another.
    mutating func submit(_ path: String, _ fields: [(String, String)] = [], csrf: String? = nil, token: String? = nil,
                         headers: HTTPFields = [:]) async throws -> DashboardPage {
        var all = fields
        if let token = csrf ?? token { all.insert(("csrf", token), at: 0) }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var headers = headers
        if headers[.contentType] == nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let page = try await send(.post, path, headers: headers, body: Array(body.utf8))
        remember(page)
        return page
    }

    /// POSTs raw bytes (hostile-input tests).
    func post(_ path: String, body: [UInt8], headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]) async throws -> DashboardPage {
        try await send(.post, path, headers: headers, body: body)
    }

    /// The session's token, read from the inbox page.
    mutating func token() async throws -> String {
        try #require(try await open("/dashboard/inbox").csrf)
    }

    func send(_ method: HTTPRequest.Method, _ path: String, headers: HTTPFields, body: [UInt8]?) async throws -> DashboardPage {
        var headers = headers
        if let cookie { headers[.cookie] = "\(DashboardBrowser.cookieName)=\(cookie)" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }) { response in
            DashboardPage(status: response.status, headers: response.headers, text: String(decoding: response.body.readableBytesView, as: UTF8.self))
        }
    }

    static let cookieName = "signet_session"

    private mutating func remember(_ page: DashboardPage) {
        for header in page.headers[values: .setCookie] where header.hasPrefix(Self.cookieName + "=") {
            let value = String(header.dropFirst(Self.cookieName.count + 1).prefix { $0 != ";" })
            cookie = value.isEmpty ? nil : value
        }
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
