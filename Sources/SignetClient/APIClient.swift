import SignetAuth
import Crypto
import Foundation
import HTTPTypes
import SignetCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A Signet API client that signs every request (RFC 9421, Ed25519, with Content-Digest).
public struct APIClient: Sendable {
    /// Base URL of the server, without a trailing slash.
    public let base: URL
    /// The signing key.
    public let key: Curve25519.Signing.PrivateKey
    /// The keyid: the holder or party id, or the base64url public key when registering.
    public var keyID: String

    /// Creates a client.
    public init(base: URL, key: Curve25519.Signing.PrivateKey, keyID: String) {
        self.base = base
        self.key = key
        self.keyID = keyID
    }

    /// An error answer from the server: its status and problem code.
    public struct Failure: Error, CustomStringConvertible {
        /// The HTTP status.
        public let status: Int
        /// The problem code.
        public let code: String
        /// The problem's sentence.
        public let detail: String
        public var description: String { "\(status) \(code): \(detail)" }
    }

    /// Sends a signed request and returns the decoded JSON object of a 2xx answer.
    /// - Throws: ``Failure`` for any other status.
    public func send(_ method: HTTPRequest.Method, _ path: String, json: [String: Any]? = nil) async throws -> [String: Any] {
        let (data, response) = try await URLSession.shared.data(for: try request(method, path, json: json))
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let object = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
        guard (200..<300).contains(status) else {
            throw Failure(status: status, code: object["code"] as? String ?? "http_\(status)", detail: object["detail"] as? String ?? "")
        }
        return object
    }

    /// A signed request, ready to send (fresh nonce and `created`).
    public func request(_ method: HTTPRequest.Method, _ path: String, json: [String: Any]? = nil) throws -> URLRequest {
        let body = try json.map { Array(try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys])) }
        var fields = HTTPFields()
        var components: [SignatureComponent] = [.method, .targetURI]
        if let body {
            fields[.contentType] = "application/json"
            fields[ContentDigest.field] = ContentDigest.fieldValue(for: body)
            components.append(.contentDigest)
        }
        let authority = base.port.map { "\(base.host ?? "127.0.0.1"):\($0)" } ?? (base.host ?? "127.0.0.1")
        let head = HTTPRequest(method: method, scheme: base.scheme ?? "http", authority: authority, path: path, headerFields: fields)
        let nonce = Base64.encodeURL((0..<16).map { _ in UInt8.random(in: 0...255) })
        let signed = try HTTPMessageSigner(privateKey: key, keyID: keyID)
            .sign(head, coveredComponents: components, created: Date(), nonce: nonce)
        var request = URLRequest(url: URL(string: base.absoluteString + path)!)
        request.httpMethod = method.rawValue
        for field in fields { request.setValue(field.value, forHTTPHeaderField: field.name.rawName) }
        request.setValue(signed.signatureInput, forHTTPHeaderField: "Signature-Input")
        request.setValue(signed.signature, forHTTPHeaderField: "Signature")
        if let body { request.httpBody = Data(body) }
        return request
    }

    /// GETs an unauthenticated resource as text.
    public func getText(_ path: String) async throws -> String {
        let (data, _) = try await URLSession.shared.data(from: URL(string: base.absoluteString + path)!)
        return String(decoding: data, as: UTF8.self)
    }
}
