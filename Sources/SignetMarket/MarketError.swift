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
    /// Where the error was made, for diagnostics.
    public let file: String
    /// Where the error was made, for diagnostics.
    public let line: Int

    /// Creates an error.
    public init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: MarketError, rhs: MarketError) -> Bool { lhs.code == rhs.code }
    public var description: String { reason }
}
