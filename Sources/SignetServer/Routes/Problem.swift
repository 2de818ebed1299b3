import Foundation
public import Hummingbird

/// An RFC 9457 problem response with a stable machine-readable `code`.
///
/// ```json
/// {"type":"about:blank","title":"Bad Request","status":400,"code":"invalid_tile_path","detail":"..."}
/// ```
public struct Problem: HTTPResponseError, Sendable {
    /// HTTP status.
    public let status: HTTPResponse.Status
    /// Stable code, e.g. `invalid_tile_path`.
    public let code: ProblemCode
    /// One human sentence.
    public let detail: String
    /// Seconds for a `Retry-After` header (429, 503).
    public let retryAfter: Int?
    /// The methods for an `Allow` header (405).
    public let allow: [HTTPRequest.Method]

    /// Creates a problem with its code's status.
    /// - Parameter status: only for the runtime's generic refusals, whose status the code
    ///   cannot tell (any 4xx the OpenAPI runtime chose); `nil` takes ``ProblemCode/status``.
    public init(_ code: ProblemCode, detail: String, status: HTTPResponse.Status? = nil, retryAfter: Int? = nil, allow: [HTTPRequest.Method] = []) {
        self.status = status ?? code.status
        self.code = code
        self.detail = detail
        self.retryAfter = retryAfter
        self.allow = allow
    }

    /// The `application/problem+json` body.
    var body: [UInt8] {
        let object: [String: any Sendable] = [
            "type": "about:blank", "title": status.reasonPhrase, "status": status.code, "code": code.rawValue, "detail": detail,
        ]
        // Only strings and an integer: serialisation cannot fail.
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    /// The response head: status, media type, no caching, and `Retry-After` and `Allow` when set.
    var head: HTTPResponse {
        var headers: HTTPFields = [.contentType: "application/problem+json", .cacheControl: "no-store"]
        if let retryAfter { headers[.retryAfter] = String(max(1, retryAfter)) }
        if !allow.isEmpty { headers[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
        return HTTPResponse(status: status, headerFields: headers)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: head.headerFields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
