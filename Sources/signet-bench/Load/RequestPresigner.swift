import Crypto
import Foundation
import HTTPTypes
import SignetAuth
import SignetCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Signs requests ahead of time for the load generator (RFC 9421, Ed25519, with
/// Content-Digest), each with its own nonce, so the measured loop only writes bytes.
///
/// The generated client signs as it sends; a load run needs thousands of requests signed
/// before the clock starts, so this builds them as `URLRequest`s from the generated schema types.
struct RequestPresigner: Sendable {
    /// Base URL of the server, without a trailing slash; the signature covers its authority.
    let base: URL
    let key: Curve25519.Signing.PrivateKey
    /// The holder or party id.
    let keyID: String

    /// A signed request with `body` encoded as JSON (fresh nonce and `created`).
    func request(_ method: HTTPRequest.Method, _ path: String, body: (some Encodable)?) throws -> URLRequest {
        let bytes = try body.map { Array(try JSONEncoder().encode($0)) }
        var fields = HTTPFields()
        if bytes != nil { fields[.contentType] = "application/json" }
        let authority = base.port.map { "\(base.host ?? "127.0.0.1"):\($0)" } ?? (base.host ?? "127.0.0.1")
        let head = HTTPRequest(method: method, scheme: base.scheme ?? "http", authority: authority, path: path, headerFields: fields)
        let signed = try HTTPMessageSigner(privateKey: key, keyID: keyID)
            .signedFields(for: head, body: bytes, created: Date(), nonce: Base64.encodeURL(randomBytes(16)))
        var request = URLRequest(url: URL(string: base.absoluteString + path)!)
        request.httpMethod = method.rawValue
        for field in signed { request.setValue(field.value, forHTTPHeaderField: field.name.rawName) }
        if let bytes { request.httpBody = Data(bytes) }
        return request
    }
}
