import Hummingbird

/// Answers requests no route matches (and any other bare `HTTPError`) with a problem+json body
/// and a code, like every other 4xx of the server, instead of an empty 404: 405 with `Allow`
/// when the path is an operation's but the method is not (RFC 9110, 15.5.6).
struct NotFoundProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let operations: OperationTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError {
            switch error.status {
            case .notFound:
                if let allowed = operations.methods(forPath: request.uri.path), !allowed.contains(request.method) {
                    throw Problem(.methodNotAllowed,
                                  detail: "this resource answers " + allowed.map(\.rawValue).joined(separator: ", "), allow: allowed)
                }
                throw Problem(.notFound, detail: "no such resource")
            case .contentTooLarge: throw Problem(.bodyTooLarge, detail: "the body is too large")
            default: throw Problem(error.status.code < 500 ? .invalidField : .internal, detail: error.status.reasonPhrase.lowercased(), status: error.status)
            }
        }
    }
}
