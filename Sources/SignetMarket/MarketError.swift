/// The one error type of SignetMarket.
public struct MarketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong; the server maps each code to one HTTP status.
    public enum Code: String, Sendable {
        /// The key (or name) is already registered (409).
        case conflict
        /// The holder or party does not exist (404).
        case notFound = "not_found"
        /// A field is out of range or malformed (400).
        case invalidField = "invalid_field"
    }

    /// Stable code.
    public let code: Code
    /// One sentence for the caller.
    public let reason: String

    /// Creates an error.
    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public static func == (lhs: MarketError, rhs: MarketError) -> Bool { lhs.code == rhs.code }
    public var description: String { reason }
}
