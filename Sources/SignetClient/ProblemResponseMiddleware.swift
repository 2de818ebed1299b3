public import Foundation
public import HTTPTypes
public import OpenAPIRuntime

/// An error answer from a Signet server: its status and RFC 9457 problem code and sentence.
public struct ServerProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status.
    public let status: Int
    /// The problem's machine-readable code (`http_<status>` when the body had none).
    public let code: String
    /// The problem's one sentence.
    public let detail: String
    /// Seconds to wait before retrying, from `Retry-After` (429, 503).
    public let retryAfter: Int?

    /// Creates a problem.
    public init(status: Int, code: String, detail: String, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.detail = detail
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status) \(code): \(detail)" }
}

/// Turns every 4xx and 5xx answer into a thrown ``ServerProblem``, so callers of the generated
/// client handle success only and a refusal reads as the server worded it.
public struct ProblemResponseMiddleware: ClientMiddleware {
    /// Problem bodies are short; anything longer is cut before decoding.
    static let maximumProblemSize = 64 << 10

    /// Creates the middleware.
    public init() {}

    public func intercept(
        _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let (response, responseBody) = try await next(request, body, baseURL)
        guard response.status.code >= 400 else { return (response, responseBody) }
        throw await Self.problem(response, responseBody)
    }

    /// The problem an error answer describes.
    static func problem(_ response: HTTPResponse, _ body: HTTPBody?) async -> ServerProblem {
        struct Body: Decodable {
            var code: String?
            var detail: String?
        }
        var bytes: [UInt8] = []
        if let body, let collected = try? await [UInt8](collecting: body, upTo: maximumProblemSize) { bytes = collected }
        let decoded = try? JSONDecoder().decode(Body.self, from: Data(bytes))
        return ServerProblem(status: response.status.code, code: decoded?.code ?? "http_\(response.status.code)",
                             detail: decoded?.detail ?? response.status.reasonPhrase,
                             retryAfter: response.headerFields[.retryAfter].flatMap { Int($0) })
    }
}
