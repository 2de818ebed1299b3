/// The one error type of SignetStore.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Code: String, Sendable {
        /// The database could not be opened or reached.
        case unavailable
        /// The configuration (path, URL) is unusable.
        case invalidConfiguration = "invalid_configuration"
        /// The database schema is newer than this build understands.
        case schemaTooNew = "schema_too_new"
        /// Another writer holds the log's lock for longer than the busy timeout.
        case busy
    }

    /// The stable error code.
    public let code: Code
    /// A sentence for operators.
    public let reason: String
    /// Where the error was made, for diagnostics.
    public let file: String
    /// Where the error was made, for diagnostics.
    public let line: Int

    init(_ code: Code, _ reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool { lhs.code == rhs.code }
    public var description: String { reason }
}
