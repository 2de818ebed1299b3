import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import SignetCore
import SignetService

/// Every dashboard response's security headers, and every dashboard failure as an HTML page.
///
/// Deliberate: nothing a dashboard handler throws reaches the API's problem+json middleware or
/// Hummingbird's default 500. A ``DashboardFailure`` becomes its page, a ``ServiceError`` the
/// page of its status with the workflow's sentence, and anything else a generic 500 page (the
/// error is logged, never shown).
struct DashboardMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: DashboardRoutes

    /// The Content-Security-Policy of every dashboard response: no scripts at all, styles only
    /// from the dashboard's own stylesheet (no inline `style`), images only from the server or
    /// `data:`, forms only back to the server, and no framing.
    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let failure as DashboardFailure {
            response = routes.failurePage(failure)
        } catch let error as ServiceError {
            let failure = DashboardFailure.refusal(error)
            if failure.status.code >= 500 {
                context.logger.error("dashboard workflow failed", metadata: ["signet.dashboard.error": "\(error.code.rawValue)"])
            }
            response = routes.failurePage(failure)
        } catch {
            context.logger.error("dashboard request failed", metadata: ["signet.dashboard.error": "\(type(of: error))"])
            response = routes.failurePage(.internal)
        }
        Self.secure(&response.headers)
        // The time the server spent on the page (workflows, checks and rendering), which
        // `signet-bench dashboard` and the browser check read (RFC: W3C Server Timing).
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
        response.headers[.serverTiming] = "app;dur=" + String(format: "%.3f", milliseconds)
        return response
    }

    /// Adds the security headers (and `no-store`, unless the response set its own caching).
    static func secure(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        headers[.xFrameOptions] = "DENY"
        headers[.crossOriginOpenerPolicy] = "same-origin"
        if headers[.cacheControl] == nil { headers[.cacheControl] = "no-store" }
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
    static let secFetchSite = Self("Sec-Fetch-Site")!
    static let serverTiming = Self("Server-Timing")!
}
