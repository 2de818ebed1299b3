import Hummingbird
import Logging

/// One log line per request: method and path, never headers (they carry signatures and
/// cookies). Hummingbird's `LogRequestsMiddleware`, except that the query of a dashboard
/// request is left out: a sign-in link's query names the holder and carries their signature,
/// and no log line may hold a stable holder id.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let shown = path.hasPrefix(DashboardRoutes.prefix) && request.uri.query != nil ? path + "?…" : request.uri.description
        context.logger.log(level: level, "Request", metadata: [
            "hb.request.path": .string(shown),
            "hb.request.method": .string(request.method.rawValue),
        ])
        return try await next(request, context)
    }
}
