import Hummingbird

/// Answers requests no route matches (and any other bare `HTTPError`) with a problem+json body
/// and a code, like every other 4xx of the server, instead of an empty 404.
struct NotFoundProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound: throw Problem(.notFound, code: "not_found", detail: "no such resource")
            case .contentTooLarge: throw Problem(.contentTooLarge, code: "body_too_large", detail: "the body is too large")
            default: throw Problem(error.status, code: error.status.code < 500 ? "invalid_field" : "internal", detail: error.status.reasonPhrase.lowercased())
            }
        }
    }
}
