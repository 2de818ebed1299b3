/// The one error type of SignetServer.
public struct ServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// Configuration or data-directory problem found at start.
        case configuration
        /// The stored log failed its integrity check; the server refuses to serve it.
        case untrustedLog = "untrusted_log"
    }

    /// The stable error code.
    public let code: Code
    /// A sentence for operators.
    public let reason: String

    init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public static func == (lhs: ServerError, rhs: ServerError) -> Bool { lhs.code == rhs.code }
    public var description: String { reason }
}
