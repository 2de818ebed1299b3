import HTTPTypes
import SignetCore
import SignetService

/// Why a dashboard request was refused: a status and one sentence for the holder, shown on an
/// error page. Thrown by the dashboard's handlers and turned into a page in one place
/// (``DashboardMiddleware``).
struct DashboardFailure: Error, Sendable {
    /// The status of the error page.
    let status: HTTPResponse.Status
    /// The page's heading.
    let title: String
    /// What went wrong and what to do, in plain language.
    let sentence: String
    /// Whether the page also clears the session cookie: only when the request's session is
    /// gone. Deliberate: a refused sign-in link (say, a replay) leaves a live session alone.
    var endsSession = false

    /// No (live) session: 401 with the way to sign in.
    static let notSignedIn = DashboardFailure(
        status: .unauthorized, title: "You are not signed in",
        sentence: "Your session ended or was never opened. Run `signet holder sign-in` on your device and open the link it prints.",
        endsSession: true)

    /// A form without the session's token, or from another site: 403.
    static let forgedForm = DashboardFailure(
        status: .forbidden, title: "This form cannot be accepted",
        sentence: "The form did not come from your dashboard page (its security token is missing or wrong, or it was sent from another site). Reload the page and try again.")

    /// A malformed form: 400.
    static func badForm(_ sentence: String) -> DashboardFailure {
        DashboardFailure(status: .badRequest, title: "This form cannot be read", sentence: sentence)
    }

    /// An unknown page: 404.
    static let notFound = DashboardFailure(status: .notFound, title: "No such page", sentence: "There is no dashboard page at this address.")

    /// The failure page of a workflow's refusal: the status the API gives the same error, and
    /// the workflow's own sentence. Operator-facing and server-fault codes get a generic 500 page
    /// (the reason is logged, never shown).
    static func refusal(_ error: ServiceError) -> DashboardFailure {
        guard let problem = ErrorMapping.problem(for: error) else { return .internal }
        let title: String = switch error.code {
        case .notFound: "Not found"
        case .conflict: "This cannot be done now"
        case .rateLimited: "Too many requests"
        case .protocolRefused: "The trust protocol refuses this"
        case .invalidField: "Some of what you entered cannot be used"
        default: "This cannot be done"
        }
        return DashboardFailure(status: problem.status, title: title, sentence: sentence(error.reason))
    }

    /// Anything unexpected: 500, with nothing about the cause.
    static let `internal` = DashboardFailure(
        status: .internalServerError, title: "Something went wrong",
        sentence: "The server could not complete this request. Nothing was changed that the server reported as done; try again in a moment.")

    /// The reason as a sentence: capitalised, with a full stop.
    private static func sentence(_ reason: String) -> String {
        guard let first = reason.first else { return reason }
        let capitalised = first.uppercased() + reason.dropFirst()
        return capitalised.hasSuffix(".") ? capitalised : capitalised + "."
    }
}
