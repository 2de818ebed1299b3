public import Crypto
public import Foundation
public import HTTPTypes
public import OpenAPIRuntime
import SignetAuth
public import SignetCore

/// Signs every request of the generated API client as Signet's server requires (RFC 9421,
/// Ed25519): `@method`, `@target-uri` and, with a body, `content-digest` (RFC 9530), with
/// `created`, `keyid` and a fresh `nonce`.
///
/// ```swift
/// let client = Client(serverURL: base, transport: URLSessionTransport(),
///                     middlewares: [RequestSigningMiddleware(key: key, keyID: holderID)])
/// ```
public struct RequestSigningMiddleware: ClientMiddleware {
    /// What to pass as the generated client's required `Content-Digest` header: the caller
    /// cannot know the digest of a body the client has not encoded yet, so the middleware
    /// replaces this with the digest of the bytes actually sent.
    public static let digestPlaceholder = "sha-256=:computed-by-RequestSigningMiddleware:"

    /// Bodies are read whole to be digested; Signet's own requests are a few KiB at most.
    public static let maximumBodySize = 8 << 20

    private let signer: HTTPMessageSigner
    private let random: any RandomBytesGenerator
    private let now: @Sendable () -> Date

    /// Creates the middleware.
    /// - Parameters:
    ///   - keyID: the holder or party id, or, to register, the public key in base64url.
    ///   - random: makes nonces (seeded in reproducible tests).
    ///   - now: the `created` time of each signature.
    public init(key: Curve25519.Signing.PrivateKey, keyID: String, random: any RandomBytesGenerator = SystemRandomBytes(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.signer = HTTPMessageSigner(privateKey: key, keyID: keyID)
        self.random = random
        self.now = now
    }

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        var request = request
        var bytes: [UInt8]?
        if let body {
            bytes = try await [UInt8](collecting: body, upTo: Self.maximumBodySize)
        }
        // The signature covers the URI the server sees: the base URL's scheme and authority
        // and its path prefix, followed by the operation's path.
        var target = request
        target.scheme = baseURL.scheme ?? "http"
        target.authority = baseURL.port.map { "\(baseURL.host ?? "localhost"):\($0)" } ?? baseURL.host
        target.path = Self.prefix(of: baseURL) + (request.path ?? "/")
        request.headerFields = try signer.signedFields(for: target, body: bytes, created: now(), nonce: Base64.encodeURL(random.bytes(16)))
        return try await next(request, bytes.map { HTTPBody($0) }, baseURL)
    }

    /// The base URL's path without a trailing slash (`""` for the root).
    private static func prefix(of url: URL) -> String {
        let path = url.path
        return path.hasSuffix("/") ? String(path.dropLast()) : path
    }
}
