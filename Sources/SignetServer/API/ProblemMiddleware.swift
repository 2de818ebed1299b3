import SignetService
import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime

/// Turns every error of an API operation into an RFC 9457 problem response, so nothing reaches
/// the transport as an unexplained 500.
///
/// The outermost middleware. Handlers throw ``Problem``s and workflows `ServiceError`s (mapped by
/// ``ErrorMapping``); ``SignatureMiddleware`` throws ``Problem``s; the
/// generated decoder throws `DecodingError`s (mapped to `invalid_json`, `unknown_field` or
/// `invalid_field`); the runtime's own request errors keep their 4xx status. Anything else is
/// logged (operation, cause and error, never the request or its body) and answered 500 `internal`.
struct ProblemMiddleware: ServerMiddleware {
    let logger: Logger

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let problem: Problem
        do {
            return try await next(request, body, metadata)
        } catch let error as OpenAPIRuntime.ServerError {
            problem = Self.problem(for: error.underlyingError, status: error.httpStatus, cause: error.causeDescription) ?? internalFault(operationID, error.causeDescription, error.underlyingError)
        } catch {
            problem = Self.problem(for: error, status: .internalServerError) ?? internalFault(operationID, "unknown", error)
        }
        return (problem.head, HTTPBody(problem.body))
    }

    /// The problem for an error a client caused, or `nil` for a server fault.
    /// - Parameter cause: the runtime's sentence about a request it refused (a missing header, a
    ///   media type), which describes only the client's own request.
    static func problem(for error: any Error, status: HTTPResponse.Status, cause: String = "") -> Problem? {
        if let problem = error as? Problem { return problem }
        if let error = error as? ServiceError { return ErrorMapping.problem(for: error) }
        if let decoding = error as? DecodingError { return problem(for: decoding) }
        switch status.kind {
        case .clientError:
            let code: ProblemCode = switch status.code {
            case 415: .unsupportedMediaType
            case 406: .notAcceptable
            default: .invalidField
            }
            let reason = cause.isEmpty || cause == "Unknown" ? status.reasonPhrase.lowercased() : String(cause.prefix(300))
            return Problem(code, detail: "the request does not fit this operation: \(reason)", status: status)
        default:
            return nil
        }
    }

    /// The problem for a body the generated decoder refused.
    static func problem(for error: DecodingError) -> Problem {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return Problem(.invalidJSON, detail: "the body is not valid JSON")
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return Problem(.invalidJSON, detail: "the body must be a JSON object")
        case .dataCorrupted(let context) where context.debugDescription.hasPrefix("Additional properties are disabled"):
            return Problem(.unknownField, detail: "unknown field \"\(path(context.codingPath))\"")
        case .keyNotFound(let key, let context):
            return Problem(.invalidField, detail: "\"\(path(context.codingPath + [key]))\" is required")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return Problem(.invalidField, detail: "\"\(path(context.codingPath))\" has the wrong type")
        case .dataCorrupted(let context):
            return Problem(.invalidField, detail: "\"\(path(context.codingPath))\" has a value this operation does not accept")
        @unknown default:
            return Problem(.invalidField, detail: "the body does not fit this operation")
        }
    }

    /// A dotted field path such as `probe.values.3`.
    private static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    private func internalFault(_ operationID: String, _ cause: String, _ error: any Error) -> Problem {
        logger.error("operation failed", metadata: ["operation": "\(operationID)", "cause": "\(cause)", "error": "\(error)"])
        return Problem(.internal, detail: "an unexpected fault; an enrollment, renewal or deletion it interrupted is completed or undone by the server within minutes")
    }
}
